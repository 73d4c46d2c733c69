import { CHANNEL_OPTIONS, clientConstructor, grpc, type OperateReply } from '@whmcs-ha/shared';

export interface OperateArgs {
  action: string;
  node: string;
  force: boolean;
  on: boolean;
  reason: string;
}

interface ControlStub extends grpc.Client {
  Operate(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: OperateReply) => void): void;
}

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
    const stub = new Ctor(reply.leaderAddress, this.credentials, { ...CHANNEL_OPTIONS, ...this.channelOptions }) as unknown as ControlStub;
    try {
      return await new Promise<OperateReply>((resolve, reject) =>
        stub.Operate(req, { deadline: new Date(Date.now() + this.timeoutMs) }, (e, r) => (e ? reject(new Error(e.details || e.message)) : resolve(r))),
      );
    } finally {
      stub.close();
    }
  }
}
