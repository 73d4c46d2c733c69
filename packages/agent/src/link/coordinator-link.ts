import { EventEmitter } from 'node:events';
import {
  CHANNEL_OPTIONS,
  clientConstructor,
  coordinatorMessageSchema,
  grpc,
  schemaProblem,
  type AgentMessage,
  type Command,
  type CommandResult,
  type CoordinatorMessage,
  type Hello,
  type Lease,
  type Logger,
  type Report,
} from '@whmcs-ha/shared';
import { Backoff } from './backoff.js';

export interface CoordinatorLinkOptions {
  id: string;
  address: string;
  credentials: grpc.ChannelCredentials;
  /** the Hello sent first on every (re)connect */
  hello: () => Hello;
  logger?: Logger;
  backoff?: Backoff;
}

export interface Leadership {
  coordinatorId: string;
  leader: boolean;
  term: number;
}

export interface CoordinatorLinkEvents {
  command: [Command, CoordinatorLink];
  lease: [Lease, CoordinatorLink];
  welcome: [Leadership, CoordinatorLink];
  connected: [boolean];
}

/**
 * One bidirectional stream to one coordinator, reopened with backoff and
 * jitter whenever it ends. Sending never waits: a report is dropped when the
 * stream is down or the coordinator does not read (write buffer full), so
 * one slow or dead coordinator cannot delay reports to the others; the next
 * report carries the whole state anyway.
 */
export class CoordinatorLink extends EventEmitter<CoordinatorLinkEvents> {
  private readonly client: grpc.Client & { Connect: (opts?: grpc.CallOptions) => grpc.ClientDuplexStream<AgentMessage, CoordinatorMessage> };
  private call: grpc.ClientDuplexStream<AgentMessage, CoordinatorMessage> | undefined;
  private welcomed = false;
  /** since when connecting has failed without a Welcome in between (null while up): only the first failure is logged loudly */
  private failingSince: number | null = null;
  private blocked = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  /** what this coordinator last said about leadership on the current stream */
  leadership: Leadership | null = null;
  reportsSent = 0;
  reportsDropped = 0;
  invalidMessages = 0;
  reconnects = 0;

  constructor(private readonly opts: CoordinatorLinkOptions) {
    super();
    const Ctor = clientConstructor('AgentLink');
    this.client = new Ctor(opts.address, opts.credentials, CHANNEL_OPTIONS) as unknown as typeof this.client;
    this.backoff = opts.backoff ?? new Backoff();
  }

  get id(): string {
    return this.opts.id;
  }

  /** True once the coordinator answered this stream's Hello with a Welcome. */
  get connected(): boolean {
    return this.welcomed;
  }

  start(): void {
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.call?.cancel();
    this.call = undefined;
    this.client.close();
  }

  /** Sends a report if the stream is up and reading; otherwise drops it. Returns whether it went out. */
  sendReport(report: Report): boolean {
    if (!this.call || !this.welcomed || this.blocked) {
      this.reportsDropped++;
      return false;
    }
    this.write({ body: 'report', report });
    this.reportsSent++;
    return true;
  }

  /** Results are rare and small: written even when the buffer is full; lost only with the stream (the leader retries by id). */
  sendResult(result: CommandResult): boolean {
    if (!this.call) return false;
    this.write({ body: 'result', result });
    return true;
  }

  private write(msg: AgentMessage): void {
    const call = this.call!;
    if (!call.write(msg)) {
      this.blocked = true;
      call.once('drain', () => {
        if (this.call === call) this.blocked = false;
      });
    }
  }

  private open(): void {
    if (this.closed) return;
    const call = this.client.Connect();
    this.call = call;
    this.welcomed = false;
    this.blocked = false;
    this.leadership = null;
    const opened = Date.now();
    call.on('data', (raw: unknown) => {
      const parsed = coordinatorMessageSchema.safeParse(raw);
      if (!parsed.success) {
        this.invalidMessages++;
        this.opts.logger?.warn({ coordinator: this.id, problem: schemaProblem(parsed.error) }, 'refused coordinator message');
        return;
      }
      const msg = parsed.data;
      if (msg.body === 'welcome') {
        this.leadership = { ...msg.welcome };
        if (!this.welcomed) {
          this.welcomed = true;
          this.failingSince = null;
          this.opts.logger?.info({ coordinator: this.id, address: this.opts.address, leader: msg.welcome.leader, term: msg.welcome.term }, `coordinator link to ${this.id} up`);
          this.emit('connected', true);
        }
        this.emit('welcome', this.leadership, this);
      } else if (!this.welcomed) {
        this.invalidMessages++; // nothing is accepted before the coordinator has said who it is
      } else if (msg.body === 'command') {
        this.emit('command', msg.command as Command, this);
      } else {
        this.emit('lease', msg.lease, this);
      }
    });
    const ended = (why: string) => {
      if (this.call !== call) return;
      this.call = undefined;
      const was = this.welcomed;
      this.welcomed = false;
      this.leadership = null;
      if (was) this.emit('connected', false);
      call.cancel();
      if (this.closed) return;
      // a stream that lived a while was healthy: start the backoff over
      if (Date.now() - opened > 10_000) this.backoff.reset();
      const delay = this.backoff.next();
      this.reconnects++;
      // each change is logged at info/warn (troubleshooting.md points at these lines); the retries of a
      // link that stays down only at debug, so a dead coordinator does not flood the journal
      const fields = { coordinator: this.id, address: this.opts.address, why, retryInMs: delay };
      if (was) this.opts.logger?.warn(fields, `coordinator link to ${this.id} down: ${why}; reconnecting`);
      else if (this.failingSince === null) this.opts.logger?.warn(fields, `coordinator link to ${this.id} cannot connect: ${why}; retrying with backoff`);
      else this.opts.logger?.debug(fields, `coordinator link to ${this.id} still down: ${why}`);
      this.failingSince ??= Date.now();
      this.reconnectTimer = setTimeout(() => this.open(), delay);
    };
    call.on('error', (e: grpc.ServiceError) => ended(e.details || e.message));
    call.on('end', () => ended('stream ended'));
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code !== grpc.status.OK) ended(s.details);
    });
    call.write({ body: 'hello', hello: this.opts.hello() });
  }
}
