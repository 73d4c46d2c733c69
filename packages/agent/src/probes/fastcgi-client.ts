import { connect, type Socket } from 'node:net';

/**
 * A minimal FastCGI client (one request per connection, RESPONDER role), just
 * enough to ask PHP-FPM for its ping and status pages over a unix socket or
 * TCP. Spec: https://fastcgi-archives.github.io/FastCGI_Specification.html
 */

export type FastcgiTarget = { socket: string } | { host: string; port: number };

export interface FastcgiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  stderr: string;
  appStatus: number;
}

const VERSION = 1;
const BEGIN_REQUEST = 1;
const END_REQUEST = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;
const STDERR = 7;
const RESPONDER = 1;
const REQUEST_ID = 1;
const MAX_RESPONSE_BYTES = 1024 * 1024;

function record(type: number, content: Buffer): Buffer {
  const padding = (8 - (content.length % 8)) % 8;
  const header = Buffer.alloc(8);
  header.writeUInt8(VERSION, 0);
  header.writeUInt8(type, 1);
  header.writeUInt16BE(REQUEST_ID, 2);
  header.writeUInt16BE(content.length, 4);
  header.writeUInt8(padding, 6);
  return Buffer.concat([header, content, Buffer.alloc(padding)]);
}

function nvLength(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0);
  return b;
}

export function encodeParams(params: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(params)) {
    const kb = Buffer.from(k);
    const vb = Buffer.from(v);
    parts.push(nvLength(kb.length), nvLength(vb.length), kb, vb);
  }
  return Buffer.concat(parts);
}

/** The request as bytes: BEGIN_REQUEST, PARAMS (split in 64 KiB records), empty PARAMS, empty STDIN. */
export function encodeRequest(params: Record<string, string>): Buffer {
  const begin = Buffer.alloc(8);
  begin.writeUInt16BE(RESPONDER, 0);
  const out = [record(BEGIN_REQUEST, begin)];
  const p = encodeParams(params);
  for (let i = 0; i < p.length; i += 0xffff) out.push(record(PARAMS, p.subarray(i, i + 0xffff)));
  out.push(record(PARAMS, Buffer.alloc(0)), record(STDIN, Buffer.alloc(0)));
  return Buffer.concat(out);
}

/** Splits the CGI output into status, headers and body (`Status:` header, 200 when absent). */
export function parseCgiOutput(raw: Buffer): { status: number; headers: Record<string, string>; body: string } {
  const text = raw.toString('utf8');
  let sep = text.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (sep < 0) {
    sep = text.indexOf('\n\n');
    sepLen = 2;
  }
  const head = sep < 0 ? text : text.slice(0, sep);
  const body = sep < 0 ? '' : text.slice(sep + sepLen);
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const status = headers.status ? Number.parseInt(headers.status, 10) : 200;
  return { status: Number.isFinite(status) ? status : 0, headers, body };
}

/** Sends one request and reads the whole response; the socket is destroyed after `timeoutMs` whatever happens. */
export function fastcgiRequest(target: FastcgiTarget, params: Record<string, string>, timeoutMs: number): Promise<FastcgiResponse> {
  return new Promise((resolve, reject) => {
    let sock: Socket;
    let buf: Buffer = Buffer.alloc(0);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err: Error | null, res?: FastcgiResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new Error(`FastCGI request timed out after ${timeoutMs} ms`)), timeoutMs);
    sock = 'socket' in target ? connect({ path: target.socket }) : connect({ host: target.host, port: target.port });
    sock.on('connect', () => sock.write(encodeRequest(params)));
    sock.on('error', (e) => finish(e));
    sock.on('close', () => finish(new Error('FastCGI connection closed before END_REQUEST')));
    sock.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_RESPONSE_BYTES) return finish(new Error('FastCGI response too large'));
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 8) {
        const type = buf.readUInt8(1);
        const len = buf.readUInt16BE(4);
        const pad = buf.readUInt8(6);
        if (buf.length < 8 + len + pad) break;
        const content = buf.subarray(8, 8 + len);
        buf = buf.subarray(8 + len + pad);
        if (type === STDOUT) stdout.push(content);
        else if (type === STDERR) stderr.push(content);
        else if (type === END_REQUEST) {
          const appStatus = content.length >= 4 ? content.readUInt32BE(0) : 0;
          const protocolStatus = content.length >= 5 ? content.readUInt8(4) : 0;
          if (protocolStatus !== 0) return finish(new Error(`FastCGI protocol status ${protocolStatus}`));
          const cgi = parseCgiOutput(Buffer.concat(stdout));
          return finish(null, { ...cgi, stderr: Buffer.concat(stderr).toString('utf8'), appStatus });
        }
      }
    });
  });
}

/** The CGI params for a GET of `path?query` (what nginx's fastcgi_params would send). */
export function getParams(path: string, query = ''): Record<string, string> {
  return {
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_SOFTWARE: 'whmcs-ha-agent',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: path,
    SCRIPT_FILENAME: path,
    DOCUMENT_URI: path,
    REQUEST_URI: query ? `${path}?${query}` : path,
    QUERY_STRING: query,
    REMOTE_ADDR: '127.0.0.1',
    SERVER_NAME: 'localhost',
    SERVER_ADDR: '127.0.0.1',
    SERVER_PORT: '80',
    CONTENT_LENGTH: '0',
  };
}
