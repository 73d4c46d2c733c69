import {
  CHANNEL_OPTIONS,
  clientConstructor,
  clusterStatusSchema,
  doctorAnswerSchema,
  grpc,
  historyJsonSchema,
  operateAcceptedSchema,
  schemaProblem,
  WhaError,
  type CheckReply,
  type DoctorAnswer,
  type HistoryEvent,
  type HistoryReply,
  type LbView,
  type OperateAccepted,
  type OperateReply,
  type ServiceClient,
  type StatusReply,
  type WatchEvent,
} from '@whmcs-ha/shared';
import type { z } from 'zod';
import type { HactlStatus } from './status-view.js';

/** The coordinator refused the request as bad input (it names the field): exit code 2. */
export class RemoteInputError extends WhaError {
  override readonly name = 'RemoteInputError';
  override readonly exitCode = 2;
}

/** No coordinator answered: exit code 3 (a documented contract of whmcs-hactl). */
export class UnreachableError extends WhaError {
  override readonly name = 'UnreachableError';
  override readonly exitCode = 3;
}

/** The coordinator refused this certificate (wrong role, or no identity): exit code 1, and no other coordinator is tried (all share the policy). */
export class AccessDeniedError extends WhaError {
  override readonly name = 'AccessDeniedError';
  override readonly exitCode = 1;
}

/**
 * A coordinator answered with JSON that does not match the contract (a malformed reply, or a coordinator
 * incompatible with this hactl): exit code 1, with the field named. Extra fields are not this error.
 */
export class BadReplyError extends WhaError {
  override readonly name = 'BadReplyError';
  override readonly exitCode = 1;
}

/**
 * Parses and validates the JSON string field of a Control reply. The error names the reply, who sent it
 * (the coordinator's own name too when it gave one) and the first bad field:
 * `status from lb1 (10.0.0.5:7400): nodes.0.mysql.readOnly: Invalid input: expected boolean, received string`.
 */
export function parseReply<S extends z.ZodType>(schema: S, json: string, reply: string, from: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new BadReplyError(`${reply} from ${from}: not JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const by = typeof raw === 'object' && raw !== null ? (raw as { answeredBy?: unknown }).answeredBy : undefined;
  throw new BadReplyError(`${reply} from ${typeof by === 'string' && by !== from ? `${by} (${from})` : from}: ${schemaProblem(r.error)}`);
}

/** The JSON of an accepted Operate reply (the leader's): the operation it began and the epoch then. */
export function operateAccepted(reply: OperateReply): OperateAccepted {
  return parseReply(operateAcceptedSchema, reply.json, 'operate reply', reply.leaderId || 'the leader');
}

type ControlStub = ServiceClient<'Control'>;

export interface OperateArgs {
  action: string;
  node?: string;
  force?: boolean;
  on?: boolean;
  reason?: string;
}

/**
 * Talks to whichever coordinator answers: reads from the first reachable one
 * (preferring the leader's view), writes to the leader, following a
 * follower's redirect.
 */
export class ControlClient {
  private stubs = new Map<string, ControlStub>();

  constructor(
    private readonly endpoints: string[],
    private readonly timeoutMs: number,
    /** mTLS from the config's tls section; insecure only for configs that say insecure: true */
    private readonly credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    private readonly channelOptions: grpc.ChannelOptions = {},
  ) {}

  private stub(endpoint: string): ControlStub {
    let s = this.stubs.get(endpoint);
    if (!s) {
      const Ctor = clientConstructor('Control');
      s = new Ctor(endpoint, this.credentials, { ...CHANNEL_OPTIONS, ...this.channelOptions });
      this.stubs.set(endpoint, s);
    }
    return s;
  }

  close(): void {
    for (const s of this.stubs.values()) s.close();
  }

  private deadline(): grpc.CallOptions {
    return { deadline: new Date(Date.now() + this.timeoutMs) };
  }

  /** One unary call with the deadline; `invoke` picks the method, so request and reply types are the method's own. */
  private call<T>(endpoint: string, invoke: (s: ControlStub, o: grpc.CallOptions, cb: grpc.requestCallback<T>) => void): Promise<T> {
    // grpc-js passes a reply whenever it passes no error
    return new Promise((resolve, reject) => invoke(this.stub(endpoint), this.deadline(), (e, r) => (e ? reject(accessDenied(e) ?? e) : resolve(r!))));
  }

  /** Status from every endpoint in parallel; the leader's view wins, else the first that answered. */
  async status(): Promise<{ status: HactlStatus; endpoint: string; reachable: Record<string, boolean> }> {
    const answers = await Promise.all(
      this.endpoints.map((ep) =>
        this.call<StatusReply>(ep, (s, o, cb) => s.Status({}, o, cb)).then(
          (r) => ({ ep, r, err: null as Error | null }),
          (err: Error) => ({ ep, r: null, err }),
        ),
      ),
    );
    const reachable = Object.fromEntries(answers.map((a) => [a.ep, a.r !== null]));
    // every answer is validated: the leader's is shown, and each one's own LB is gathered from it
    const ok = answers.flatMap(({ ep, r }) => (r ? [{ ep, fromLeader: r.fromLeader, status: parseReply(clusterStatusSchema, r.json, 'status', ep) }] : []));
    if (ok.length === 0) {
      throw new UnreachableError(`no coordinator reachable (${answers.map((a) => `${a.ep}: ${a.err?.message.split('\n')[0]}`).join('; ')})`);
    }
    const best = ok.find((a) => a.fromLeader) ?? ok[0]!;
    // each LB coordinator knows only its own load balancer: gather them from every answer
    const loadBalancers = ok.map((a) => a.status.lb).filter((lb): lb is LbView => lb !== null);
    return { status: { ...best.status, loadBalancers }, endpoint: best.ep, reachable };
  }

  /** History from every coordinator at once; the leader's answer wins (a follower that just restarted may trail it). */
  async history(limit: number): Promise<HistoryEvent[]> {
    const answers = await Promise.all(
      this.endpoints.map((ep) =>
        this.call<HistoryReply>(ep, (s, o, cb) => s.History({ limit }, o, cb)).then(
          (r) => ({ ep, r, err: null as Error | null }),
          (err: Error) => ({ ep, r: null, err }),
        ),
      ),
    );
    const denied = answers.find((a) => a.err instanceof AccessDeniedError);
    if (denied) throw denied.err;
    const ok = answers.filter((a) => a.r);
    if (ok.length === 0) throw new UnreachableError(`no coordinator reachable (${answers.map((a) => `${a.ep}: ${a.err?.message.split('\n')[0]}`).join('; ')})`);
    const best = ok.find((a) => a.r!.fromLeader) ?? ok[0]!;
    return parseReply(historyJsonSchema, best.r!.json, 'history', best.ep);
  }

  /** The doctor's verdict from the first coordinator that answers (each has every agent's reports). */
  async check(): Promise<DoctorAnswer> {
    const errors: string[] = [];
    for (const ep of this.endpoints) {
      try {
        return parseReply(doctorAnswerSchema, (await this.call<CheckReply>(ep, (s, o, cb) => s.Check({}, o, cb))).json, 'check', ep);
      } catch (e) {
        if (e instanceof AccessDeniedError || e instanceof BadReplyError) throw e;
        errors.push(`${ep}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    throw new UnreachableError(`no coordinator reachable (${errors.join('; ')})`);
  }

  async operate(args: OperateArgs): Promise<OperateReply> {
    const req = { action: args.action, node: args.node ?? '', force: Boolean(args.force), on: Boolean(args.on), reason: args.reason ?? '' };
    const errors: string[] = [];
    const tried = new Set<string>();
    const queue = [...this.endpoints];
    while (queue.length > 0) {
      const ep = queue.shift()!;
      if (tried.has(ep)) continue;
      tried.add(ep);
      let reply: OperateReply;
      try {
        reply = await this.call<OperateReply>(ep, (s, o, cb) => s.Operate(req, o, cb));
      } catch (e) {
        if (e instanceof AccessDeniedError) throw e;
        const se = e as grpc.ServiceError;
        if (se.code === grpc.status.INVALID_ARGUMENT) throw new RemoteInputError(se.details);
        errors.push(`${ep}: ${se.details || se.message}`);
        continue;
      }
      if (reply.accepted) return reply;
      if (reply.leaderAddress && !tried.has(reply.leaderAddress)) {
        // a follower: go to the leader it names
        queue.unshift(reply.leaderAddress);
        continue;
      }
      if (reply.leaderId === '') {
        errors.push(`${ep}: ${reply.message}`);
        continue;
      }
      return reply; // refused by the leader itself
    }
    throw new UnreachableError(`no leader reachable (${errors.join('; ')})`);
  }

  watch(onEvent: (e: WatchEvent) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const ep = this.endpoints[0]!;
      const stream = this.stub(ep).Watch({});
      stream.on('data', onEvent);
      stream.on('end', resolve);
      stream.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? resolve() : reject(new UnreachableError(`${ep}: ${e.details}`))));
    });
  }
}

function accessDenied(e: grpc.ServiceError): AccessDeniedError | null {
  if (e.code !== grpc.status.PERMISSION_DENIED && e.code !== grpc.status.UNAUTHENTICATED) return null;
  return new AccessDeniedError(`refused by the coordinator (${grpc.status[e.code]}): ${e.details}`);
}
