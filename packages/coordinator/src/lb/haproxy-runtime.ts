import { createConnection } from 'node:net';

/**
 * One command on HAProxy's Runtime API (the `stats socket ... level admin`):
 * connect, send the line, read until HAProxy closes. An empty answer means
 * success for `set server`; anything else is HAProxy's own message.
 */
export function haproxyCommand(socketPath: string, command: string, timeoutMs = 3000): Promise<string> {
  if (/[\r\n;]/.test(command)) return Promise.reject(new Error('one command per call: no newlines or semicolons'));
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let out = '';
    const timer = setTimeout(() => sock.destroy(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${command}\n`));
    sock.on('data', (d: string) => (out += d));
    sock.on('end', () => {
      clearTimeout(timer);
      resolve(out.trim());
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
