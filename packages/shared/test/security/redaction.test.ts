import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_PATHS } from '../../src/logger.js';

/** The redaction createLogger() uses, on the shapes our code logs. */
describe('log redaction', () => {
  it.each([
    [{ password: 'hunter2-secret' }],
    [{ mysql: { user: 'whmcs_ha', password: 'hunter2-secret' } }],
    [{ config: { mysql: { password: 'hunter2-secret' } } }],
    [{ target: { host: 'db', password: 'hunter2-secret' } }],
    [{ token: 'hunter2-secret' }],
    [{ msg: { type: 'auth', token: 'hunter2-secret' } }],
    [{ ws: { msg: { token: 'hunter2-secret' } } }],
    [{ secret: 'hunter2-secret' }],
  ])('%j', (obj) => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    });
    pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink).info(obj, 'line');
    expect(out).toContain('[redacted]');
    expect(out).not.toContain('hunter2-secret');
  });
});
