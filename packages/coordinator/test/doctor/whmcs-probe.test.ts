import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dirExcluded, phpStringSetting, WhmcsProbe } from '../../../agent/src/probes/whmcs-probe.js';

describe('the agent reads configuration.php for the doctor', () => {
  const root = mkdtempSync(join(tmpdir(), 'whmcs-probe-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads simple PHP string assignments, the last one winning, and ignores comments', () => {
    const php = `<?php\n$a = 'x';\n// $session_handling = 'files';\n$session_handling = "database";\n$templates_compiledir = 'it\\'s';\n`;
    expect(phpStringSetting(php, 'session_handling')).toBe('database');
    expect(phpStringSetting(php, 'templates_compiledir')).toBe("it's");
    expect(phpStringSetting(php, 'missing')).toBeNull();
    expect(phpStringSetting(`$a = 'one';\n$a = 'two';`, 'a')).toBe('two');
  });

  it('decides whether a directory is out of the file sync', () => {
    expect(dirExcluded('/w', '/w/templates_c', ['templates_c/'])).toBe(true);
    expect(dirExcluded('/w', '/w/cache/tpl', ['templates_c/'])).toBe(false);
    expect(dirExcluded('/w', '/var/cache/whmcs', ['templates_c/'])).toBe(true);
    expect(dirExcluded('/w', '/w/cache/tpl', ['templates_c/', 'cache/'])).toBe(true);
  });

  it('reports digest, session handling and the resolved compile directory of a real file', async () => {
    writeFileSync(join(root, 'configuration.php'), `<?php\n$session_handling = 'database';\n$templates_compiledir = 'cache_tpl/';\n`);
    const s = await new WhmcsProbe(root, ['templates_c/']).probe();
    expect(s.configDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(s.sessionHandling).toBe('database');
    expect(s.templatesDir).toBe(join(root, 'cache_tpl'));
    expect(s.templatesExcluded).toBe(false);
    rmSync(join(root, 'configuration.php'));
    const gone = await new WhmcsProbe(root, []).probe();
    expect(gone.configError).toContain('ENOENT');
    expect(gone.configDigest).toBe('');
  });
});
