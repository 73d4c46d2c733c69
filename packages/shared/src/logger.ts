import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out, so a password never reaches a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'mysql.password',
  'config.mysql.password',
  'secret',
  '*.secret',
  // the dashboard's operator token, in a logged request or message
  'token',
  '*.token',
  '*.*.token',
];

/** syslog priorities (sd-daemon(3)) of pino's levels: what journald files each line under. */
export const JOURNALD_PRIORITY: Readonly<Record<string, number>> = { trace: 7, debug: 7, info: 6, warn: 4, error: 3, fatal: 2 };

/**
 * Under systemd (JOURNAL_STREAM is set when stdout is the journal) every line gets the `<N>` prefix
 * that journald turns into the entry's PRIORITY and strips, so `journalctl -p warning` works; the
 * rest of the line stays one JSON object. Elsewhere lines are plain JSON.
 */
export function journaldStream(out: { write(s: string): unknown } = process.stdout): DestinationStream {
  return {
    write(line: string) {
      const level = /"level":"([a-z]+)"/.exec(line)?.[1] ?? 'info';
      out.write(`<${JOURNALD_PRIORITY[level] ?? 6}>${line}`);
    },
  };
}

export function createLogger(name: string, level = process.env.WHA_LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const dest = destination ?? (process.env.JOURNAL_STREAM ? journaldStream() : undefined);
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // "level":"warn", not "level":40: readable in the journal and greppable without a table
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return dest ? pino(options, dest) : pino(options);
}

/**
 * Node's own process warnings (DeprecationWarning and the like) as log lines of the binary's logger,
 * once per code, instead of raw text on stderr between the JSON lines.
 */
export function logProcessWarnings(logger: Logger): void {
  const seen = new Set<string>();
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: string }) => {
    const key = w.code ?? `${w.name}: ${w.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    logger.warn({ warning: w.name, code: w.code }, `node: ${w.message}`);
  });
}
