import { CHANNEL_OPTIONS, clientConstructor, grpc, WhaError, type OperateReply, type WatchEvent } from '@whmcs-ha/shared';

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

interface ControlStub extends grpc.Client {
  Status(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: { json: string; fromLeader: boolean }) => void): void;
  Operate(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: OperateReply) => void): void;
  History(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: { json: string }) => void): void;
  Watch(req: object): grpc.ClientReadableStream<WatchEvent>;
  Check(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: { json: string }) => void): void;
}

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
      s = new Ctor(endpoint, this.credentials, { ...CHANNEL_OPTIONS, ...this.channelOptions }) as unknown as ControlStub;
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

  private call<T>(endpoint: string, method: 'Status' | 'Operate' | 'History' | 'Check', req: object): Promise<T> {
    return new Promise((resolve, reject) => {
      const s = this.stub(endpoint);
      (s[method] as (r: object, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: T) => void) => void).call(s, req, this.deadline(), (e, r) =>
        e ? reject(accessDenied(e) ?? e) : resolve(r),
      );
    });
  }

  /** Status from every endpoint in parallel; the leader's view wins, else the first that answered. */
  async status(): Promise<{ status: Record<string, unknown>; endpoint: string; reachable: Record<string, boolean> }> {
    const answers = await Promise.all(
      this.endpoints.map((ep) =>
        this.call<{ json: string; fromLeader: boolean }>(ep, 'Status', {}).then(
          (r) => ({ ep, r, err: null as Error | null }),
          (err: Error) => ({ ep, r: null, err }),
        ),
      ),
    );
    const reachable = Object.fromEntries(answers.map((a) => [a.ep, a.r !== null]));
    const ok = answers.filter((a) => a.r);
    if (ok.length === 0) {
      throw new UnreachableError(`no coordinator reachable (${answers.map((a) => `${a.ep}: ${a.err?.message.split('\n')[0]}`).join('; ')})`);
    }
    const best = ok.find((a) => a.r!.fromLeader) ?? ok[0]!;
    const status = JSON.parse(best.r!.json) as Record<string, unknown>;
    // each LB coordinator knows only its own load balancer: gather them from every answer
    status.loadBalancers = ok
      .map((a) => (JSON.parse(a.r!.json) as { lb?: unknown }).lb)
      .filter((lb): lb is Record<string, unknown> => typeof lb === 'object' && lb !== null);
    return { status, endpoint: best.ep, reachable };
  }

  /** History from every coordinator at once; the leader's answer wins (a follower that just restarted may trail it). */
  async history(limit: number): Promise<unknown[]> {
    const answers = await Promise.all(
      this.endpoints.map((ep) =>
        this.call<{ json: string; fromLeader: boolean }>(ep, 'History', { limit }).then(
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
    return JSON.parse(best.r!.json) as unknown[];
  }

  /** The doctor's verdict from the first coordinator that answers (each has every agent's reports). */
  async check(): Promise<Record<string, unknown>> {
    const errors: string[] = [];
    for (const ep of this.endpoints) {
      try {
        return JSON.parse((await this.call<{ json: string }>(ep, 'Check', {})).json) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof AccessDeniedError) throw e;
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
        reply = await this.call<OperateReply>(ep, 'Operate', req);
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
