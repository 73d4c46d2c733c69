import { CHANNEL_OPTIONS, clientConstructor, grpc, type OperateReply, type OperateRequest } from '@whmcs-ha/shared';

/** An operator request as the dashboard sends it: every field of the proto's OperateRequest. */
export type OperateArgs = OperateRequest;

/**
 * Operator actions from the dashboard: planned by this coordinator's Control
 * service when it leads, otherwise sent on to the leader it names (once; a
 * second redirect means leadership is moving and the operator retries).
 */
export class OperateForwarder {
  constructor(
    private readonly local: (req: OperateArgs, by: string) => Promise<OperateReply>,
    private readonly timeoutMs = 10_000,
    /** this coordinator's own mTLS credentials (coordinators may call each other's Control service) */
    private readonly credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    private readonly channelOptions: grpc.ChannelOptions = {},
  ) {}

  async operate(req: OperateArgs, by: string): Promise<OperateReply> {
    const reply = await this.local(req, by);
    if (reply.accepted || !reply.leaderAddress) return reply;
    const Ctor = clientConstructor('Control');
    const stub = new Ctor(reply.leaderAddress, this.credentials, { ...CHANNEL_OPTIONS, ...this.channelOptions });
    try {
      return await new Promise<OperateReply>((resolve, reject) =>
        // grpc-js passes a reply whenever it passes no error
        stub.Operate(req, { deadline: new Date(Date.now() + this.timeoutMs) }, (e, r) => (e ? reject(new Error(e.details || e.message)) : resolve(r!))),
      );
    } finally {
      stub.close();
    }
  }
}
