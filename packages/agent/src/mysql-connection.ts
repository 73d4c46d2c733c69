import mysql from 'mysql2';

export interface MysqlTarget {
  host: string;
  port: number;
  socket?: string | undefined;
  user: string;
  password?: string | undefined;
}

export type Row = Record<string, unknown>;

/**
 * One MySQL connection with hard deadlines. A hung server (SIGSTOP, a stuck
 * disk) accepts TCP but never answers, so every step races a timer and on
 * expiry the socket is destroyed: nothing ever awaits an unbounded query.
 */
export class MysqlConnection {
  private conn: mysql.Connection | undefined;

  constructor(private readonly target: MysqlTarget) {}

  get connected(): boolean {
    return this.conn !== undefined;
  }

  destroy(): void {
    const c = this.conn;
    this.conn = undefined;
    if (c) {
      try {
        c.destroy();
      } catch {
        /* already closed */
      }
    }
  }

  private open(timeoutMs: number): Promise<mysql.Connection> {
    if (this.conn) return Promise.resolve(this.conn);
    return new Promise((resolve, reject) => {
      const c = mysql.createConnection({
        ...(this.target.socket ? { socketPath: this.target.socket } : { host: this.target.host, port: this.target.port }),
        user: this.target.user,
        password: this.target.password ?? '',
        connectTimeout: timeoutMs,
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
      });
      // errors after connect (server gone) only mark the connection dead
      c.on('error', () => {
        if (this.conn === c) this.conn = undefined;
      });
      c.connect((err) => {
        if (err) {
          c.destroy();
          reject(err);
        } else {
          this.conn = c;
          resolve(c);
        }
      });
    });
  }

  /** Runs one statement; connect + query together take at most `timeoutMs`, else the connection is destroyed. */
  query(sql: string, params: unknown[] = [], timeoutMs: number): Promise<Row[]> {
    return withDeadline(
      (async () => {
        const c = await this.open(timeoutMs);
        return new Promise<Row[]>((resolve, reject) => {
          c.query({ sql, values: params, timeout: timeoutMs }, (err, rows) => {
            if (err) reject(err);
            else resolve(Array.isArray(rows) ? (rows as Row[]) : []);
          });
        });
      })(),
      timeoutMs,
      `${sql.split(' ').slice(0, 3).join(' ')} timed out after ${timeoutMs} ms`,
      () => this.destroy(),
    ).catch((e: unknown) => {
      // a server-side SQL error leaves the connection usable; anything else does not
      if (!(e && typeof e === 'object' && 'sqlState' in e && (e as { fatal?: boolean }).fatal !== true)) this.destroy();
      throw e;
    });
  }
}

/** Rejects with `message` after `ms` and calls `onTimeout` (which must free whatever `p` waits on). */
export function withDeadline<T>(p: Promise<T>, ms: number, message: string, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      onTimeout();
      reject(new Error(message));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export function errorText(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { code?: string; errno?: number; message?: string };
    const msg = o.message ?? String(e);
    return o.code && !msg.includes(o.code) ? `${o.code}: ${msg}` : msg;
  }
  return String(e);
}
