import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClusterStatus, HistoryEvent, Logger, OperateReply } from '@whmcs-ha/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeHttp, listenHttp } from '../observability/http-listener.js';
import type { OperateArgs } from './operate-forwarder.js';
import type { BearerToken } from './bearer-token.js';
import { DASHBOARD_HTML, DASHBOARD_JS } from './page.js';

export interface DashboardSource {
  status(): ClusterStatus;
  history(limit: number): HistoryEvent[];
  /** subscribes to committed state changes; returns the unsubscribe */
  onChange(listener: () => void): () => void;
  operate(req: OperateArgs, by: string): Promise<OperateReply>;
}

export const HISTORY_SHOWN = 50;
/** report ages and the leader's view move without a state change: a refresh this often */
export const PUSH_EVERY_MS = 1000;
/** wrong tokens a socket may send before it is closed */
export const AUTH_FAILURES_ALLOWED = 3;

export type DashboardRole = 'viewer' | 'operator';

export interface DashboardTokens {
  /** reads and switches over */
  operator: BearerToken | null;
  /** reads */
  viewer: BearerToken | null;
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

interface Client {
  ws: WebSocket;
  /** null until a token is accepted: such a socket is sent no cluster data */
  role: DashboardRole | null;
  peer: string;
  failures: number;
}

/**
 * The live dashboard: a static page, and a WebSocket that pushes the status
 * object and the history on every committed change (and every second). When a
 * token is configured, reading needs the viewer or the operator token (the
 * socket's first `auth` message, or a bearer header on /api/status); only the
 * operator token may ask for a switchover. With no token at all (loopback
 * only, enforced by the config) reading is open and nobody switches over.
 */
export class DashboardServer {
  private server: Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 8192 });
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  port = 0;

  constructor(
    private readonly source: DashboardSource,
    private readonly listen: string,
    private readonly tokens: DashboardTokens,
    private readonly logger: Logger,
  ) {}

  private get authRequired(): boolean {
    return this.tokens.operator !== null || this.tokens.viewer !== null;
  }

  /** The operator token also grants reading. */
  private roleOf(token: unknown): DashboardRole | null {
    if (this.tokens.operator?.matches(token)) return 'operator';
    if (this.tokens.viewer?.matches(token)) return 'viewer';
    return null;
  }

  async start(): Promise<void> {
    const { server, port } = await listenHttp(this.listen, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
        return;
      }
      if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }).end(DASHBOARD_HTML);
      else if (path === '/dashboard.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...SECURITY_HEADERS }).end(DASHBOARD_JS);
      else if (path === '/api/status') {
        if (!this.authorized(req)) {
          res.writeHead(401, { 'www-authenticate': 'Bearer realm="whmcs-ha dashboard"', 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('a viewer or operator token is required\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', ...SECURITY_HEADERS }).end(JSON.stringify(this.source.status()));
      }
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server = server;
    this.port = port;
    this.unsubscribe = this.source.onChange(() => this.broadcast(true));
    this.timer = setInterval(() => this.broadcast(false), PUSH_EVERY_MS);
    this.timer.unref();
    this.logger.info({ listen: this.listen, port, operator: Boolean(this.tokens.operator), viewer: Boolean(this.tokens.viewer) }, 'dashboard listening');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    this.wss.close();
    const s = this.server;
    this.server = null;
    await closeHttp(s);
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.authRequired) return true;
    const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    if (this.roleOf(m[1])) return true;
    this.logger.warn({ peer: `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}` }, 'dashboard: /api/status token refused');
    return false;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    // a page from another origin must not drive the operator's browser into this socket
    const origin = req.headers.origin;
    let sameOrigin = true;
    if (origin) {
      try {
        sameOrigin = new URL(origin).host === req.headers.host;
      } catch {
        sameOrigin = false;
      }
    }
    if (path !== '/ws' || !sameOrigin) {
      socket.end(`HTTP/1.1 ${path !== '/ws' ? '404 Not Found' : '403 Forbidden'}\r\nconnection: close\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`));
  }

  private accept(ws: WebSocket, peer: string): void {
    const c: Client = { ws, role: null, peer, failures: 0 };
    this.clients.add(c);
    ws.on('close', () => this.clients.delete(c));
    ws.on('error', () => this.clients.delete(c));
    ws.on('message', (data) => void this.onMessage(c, String(data)));
    this.send(c, { type: 'hello', authRequired: this.authRequired });
    if (!this.authRequired) this.grant(c, 'viewer');
  }

  /** Tells the socket its role, then sends it the current state; the broadcasts follow. */
  private grant(c: Client, role: DashboardRole): void {
    const first = c.role === null;
    c.role = role;
    this.send(c, { type: 'role', role });
    if (!first) return;
    this.send(c, { type: 'status', status: this.source.status() });
    this.send(c, { type: 'history', events: this.source.history(HISTORY_SHOWN) });
  }

  private onAuth(c: Client, token: unknown): void {
    if (!this.authRequired) {
      this.send(c, { type: 'auth-refused', message: 'this dashboard has no tokens: it only reads' });
      return;
    }
    const role = this.roleOf(token);
    if (role) {
      this.grant(c, role);
      return;
    }
    // a wrong token also takes back what an earlier one granted
    c.role = null;
    c.failures++;
    this.logger.warn({ peer: c.peer, failures: c.failures }, 'dashboard: token refused');
    this.send(c, { type: 'auth-refused', message: 'wrong token' });
    if (c.failures >= AUTH_FAILURES_ALLOWED) c.ws.close(1008, 'too many wrong tokens');
  }

  private async onMessage(c: Client, raw: string): Promise<void> {
    let msg: { type?: unknown; token?: unknown; to?: unknown };
    try {
      msg = JSON.parse(raw) as typeof msg;
      if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
    } catch {
      this.send(c, { type: 'error', message: 'messages are JSON objects' });
      return;
    }
    if (msg.type === 'auth') {
      this.onAuth(c, msg.token);
      return;
    }
    if (msg.type === 'switchover') {
      if (c.role !== 'operator') {
        this.send(c, { type: 'operate-result', accepted: false, message: 'an operator token is required' });
        return;
      }
      if (typeof msg.to !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(msg.to)) {
        this.send(c, { type: 'operate-result', accepted: false, message: 'to: must be a node name' });
        return;
      }
      try {
        const r = await this.source.operate({ action: 'switchover', node: msg.to, force: false, on: false, reason: 'dashboard' }, `dashboard@${c.peer}`);
        this.send(c, { type: 'operate-result', accepted: r.accepted, message: r.message });
      } catch (e) {
        this.send(c, { type: 'operate-result', accepted: false, message: (e as Error).message });
      }
      return;
    }
    this.send(c, { type: 'error', message: `unknown message type ${JSON.stringify(msg.type)}` });
  }

  private broadcast(withHistory: boolean): void {
    if (![...this.clients].some((c) => c.role !== null)) return;
    const status = JSON.stringify({ type: 'status', status: this.source.status() });
    const history = withHistory ? JSON.stringify({ type: 'history', events: this.source.history(HISTORY_SHOWN) }) : null;
    for (const c of this.clients) {
      if (c.role === null || c.ws.readyState !== c.ws.OPEN) continue;
      c.ws.send(status);
      if (history) c.ws.send(history);
    }
  }

  private send(c: Client, msg: object): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(msg));
  }
}
