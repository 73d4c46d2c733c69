import { EventEmitter } from 'node:events';
import {
  agentMessageSchema,
  grpc,
  schemaProblem,
  type AgentLinkHandlers,
  type Command,
  type CommandResult,
  type Lease,
  type Logger,
  type Report,
} from '@whmcs-ha/shared';

/** What the coordinator knows about one agent's link. */
export interface AgentLinkState {
  node: string;
  connected: boolean;
  /** the latest valid report, null before the first */
  report: Report | null;
  /** local clock (Date.now()) when that report arrived; 0 before the first */
  receivedAtMs: number;
  /** when the current (or last) stream said Hello */
  connectedAtMs: number;
  /** when the last stream ended; 0 while connected */
  disconnectedAtMs: number;
  agentVersion: string;
  /** highest epoch the agent says it has seen (from Hello, then from reports) */
  highestEpoch: number;
}

export interface AgentLinkServerOptions {
  coordinatorId: string;
  /** read on every new stream and by announceLeadership() */
  leadership: () => { leader: boolean; term: number };
  logger?: Logger;
  /**
   * Checks a Hello against the stream's transport identity (the node the
   * agent's certificate names); a returned problem refuses the stream with
   * PERMISSION_DENIED before anything is recorded.
   */
  authorizeHello?: (stream: Stream, node: string) => string | null;
}

export interface AgentLinkEvents {
  /** a valid report arrived */
  report: [node: string, report: Report];
  /** an agent's stream opened (connected=true) or ended */
  connection: [node: string, connected: boolean];
  /** a message was refused; `node` is '' before Hello */
  invalid: [node: string, problem: string];
}

type Stream = Parameters<AgentLinkHandlers['Connect']>[0];

interface Pending {
  node: string;
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The coordinator's side of the AgentLink service. Each agent keeps one
 * bidirectional stream open; the first message must be Hello naming the
 * node. Reports are validated and kept (latest per node); commands go down
 * with sendCommand() and resolve when the agent's CommandResult with the same
 * id comes back. A bad message is counted and dropped (a bad Hello ends that
 * stream); nothing an agent sends can throw out of here.
 *
 * Serve it next to other services on one grpc.Server:
 *   server.addService(serviceDefinition('AgentLink'), links.grpcImplementation())
 */
export class AgentLinkServer extends EventEmitter<AgentLinkEvents> {
  private readonly states = new Map<string, AgentLinkState>();
  private readonly streams = new Map<string, Stream>();
  private readonly pending = new Map<string, Pending>();
  /** messages refused since start */
  invalidMessages = 0;

  constructor(private readonly opts: AgentLinkServerOptions) {
    super();
  }

  /** The implementation object for grpc.Server.addService(serviceDefinition('AgentLink'), ...). */
  grpcImplementation(): AgentLinkHandlers {
    return { Connect: (stream) => this.onStream(stream) };
  }

  /** Link state of every node that ever connected, sorted by name. */
  nodes(): AgentLinkState[] {
    return [...this.states.values()].sort((a, b) => (a.node < b.node ? -1 : 1)).map((s) => ({ ...s }));
  }

  node(name: string): AgentLinkState | undefined {
    const s = this.states.get(name);
    return s ? { ...s } : undefined;
  }

  /**
   * Sends a command to `node` and resolves with its result. Rejects at once
   * when the node has no open stream, after `timeoutMs` without a result,
   * or when the stream ends first. `command.node` is set to `node`. Retrying
   * with the same id is safe: the agent answers a repeated id from its cache.
   */
  sendCommand(node: string, command: Omit<Command, 'node'>, timeoutMs: number): Promise<CommandResult> {
    const stream = this.streams.get(node);
    if (!stream) return Promise.reject(new Error(`no stream from ${node}`));
    const key = `${node}\0${command.id}`;
    if (this.pending.has(key)) return Promise.reject(new Error(`command ${command.id} to ${node} is already waiting for its result`));
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no result for command ${command.id} from ${node} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(key, { node, resolve, reject, timer });
      stream.write({ body: 'command', command: { ...command, node } });
    });
  }

  /** Sends a lease to `node` (the agent persists it for its cron gate). False when the node has no stream. */
  sendLease(node: string, lease: Lease): boolean {
    const stream = this.streams.get(node);
    if (!stream) return false;
    stream.write({ body: 'lease', lease });
    return true;
  }

  /** Tells every connected agent the current leadership (call on every leader or term change). */
  announceLeadership(): void {
    for (const s of this.streams.values()) this.welcome(s);
  }

  /** Ends every stream (agents reconnect to whoever serves next). */
  close(): void {
    for (const s of this.streams.values()) s.end();
    this.streams.clear();
    for (const [key, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`agent link closed before ${key.split('\0')[1]} completed`));
    }
    this.pending.clear();
  }

  private welcome(stream: Stream): void {
    const l = this.opts.leadership();
    stream.write({ body: 'welcome', welcome: { coordinatorId: this.opts.coordinatorId, leader: l.leader, term: l.term } });
  }

  private refuse(node: string, problem: string): void {
    this.invalidMessages++;
    this.opts.logger?.warn({ node, problem }, 'refused agent message');
    this.emit('invalid', node, problem);
  }

  private onStream(stream: Stream): void {
    let node = '';
    stream.on('error', () => undefined); // a reset stream ends below; nothing to do per error
    stream.on('data', (raw: unknown) => {
      try {
        this.onMessage(stream, raw, node, (n) => (node = n));
      } catch (e) {
        // a handler of ours failed (a listener threw): keep the server up
        this.refuse(node, `handling failed: ${(e as Error).message}`);
      }
    });
    const closed = () => {
      if (!node || this.streams.get(node) !== stream) return;
      this.streams.delete(node);
      const st = this.states.get(node);
      if (st) {
        st.connected = false;
        st.disconnectedAtMs = Date.now();
      }
      for (const [key, p] of this.pending) {
        if (p.node !== node) continue;
        clearTimeout(p.timer);
        this.pending.delete(key);
        p.reject(new Error(`stream from ${node} ended before the result of ${key.split('\0')[1]}`));
      }
      this.emit('connection', node, false);
    };
    stream.on('end', () => {
      closed();
      stream.end();
    });
    stream.on('close', closed);
    stream.on('cancelled', closed);
  }

  private onMessage(stream: Stream, raw: unknown, node: string, setNode: (n: string) => void): void {
    const parsed = agentMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.refuse(node, schemaProblem(parsed.error));
      if (!node) endWithStatus(stream, grpc.status.INVALID_ARGUMENT, `first message must be a valid Hello: ${schemaProblem(parsed.error)}`);
      return;
    }
    const msg = parsed.data;
    if (!node) {
      if (msg.body !== 'hello') {
        this.refuse('', `first message must be hello, got ${msg.body}`);
        endWithStatus(stream, grpc.status.FAILED_PRECONDITION, `first message must be hello, got ${msg.body}`);
        return;
      }
      const name = msg.hello.node;
      const denied = this.opts.authorizeHello?.(stream, name);
      if (denied) {
        this.refuse('', denied);
        endWithStatus(stream, grpc.status.PERMISSION_DENIED, denied);
        return;
      }
      setNode(name);
      // a reconnecting agent replaces its old stream (which may not have noticed the break yet)
      const old = this.streams.get(name);
      this.streams.set(name, stream);
      old?.end();
      const st = this.states.get(name) ?? {
        node: name,
        connected: false,
        report: null,
        receivedAtMs: 0,
        connectedAtMs: 0,
        disconnectedAtMs: 0,
        agentVersion: '',
        highestEpoch: 0,
      };
      Object.assign(st, { connected: true, connectedAtMs: Date.now(), disconnectedAtMs: 0, agentVersion: msg.hello.agentVersion, highestEpoch: msg.hello.highestEpoch });
      this.states.set(name, st);
      this.welcome(stream);
      this.emit('connection', name, true);
      return;
    }
    if (msg.body === 'hello') {
      this.refuse(node, 'hello sent twice on one stream');
      return;
    }
    if (msg.body === 'report') {
      // a report or result for another node is refused: a stream speaks for the node that said Hello
      if (msg.report.node !== node) return this.refuse(node, `report for ${msg.report.node} on the stream of ${node}`);
      const st = this.states.get(node)!;
      st.report = msg.report;
      st.receivedAtMs = Date.now();
      st.highestEpoch = msg.report.highestEpoch;
      this.emit('report', node, msg.report);
      return;
    }
    if (msg.result.node !== node) return this.refuse(node, `result for ${msg.result.node} on the stream of ${node}`);
    const key = `${node}\0${msg.result.id}`;
    const p = this.pending.get(key);
    if (!p) return; // late result after a timeout: nothing waits for it
    this.pending.delete(key);
    clearTimeout(p.timer);
    p.resolve(msg.result);
  }
}

/** Ends a server stream with a status: grpc-js turns an 'error' event on the call into the trailing status. */
function endWithStatus(stream: Stream, code: grpc.status, details: string): void {
  stream.emit('error', Object.assign(new Error(details), { code, details }));
}
