import { pino, type Logger } from 'pino';

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

export function createLogger(name: string, level = process.env.WHA_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
