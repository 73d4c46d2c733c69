#!/usr/bin/env node
// `pnpm bundle`: each binary as one ES module in dist-bundle/, with the .proto files it loads at run
// time in dist-bundle/proto/ (proto-path.ts looks beside the module first). A node then needs Node 20
// and these files, nothing from npm. Bundled from the TypeScript sources, so no `tsc -b` is needed first.
import { chmodSync, cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-bundle');

export const BINARIES = [
  { name: 'whmcs-ha-agent', entry: 'packages/agent/src/main.ts' },
  { name: 'whmcs-ha-coordinator', entry: 'packages/coordinator/src/main.ts' },
  { name: 'whmcs-hactl', entry: 'packages/hactl/src/main.ts' },
];

const src = (pkg) => join(root, 'packages', pkg, 'src', 'index.ts');

// CommonJS dependencies (grpc-js, mysql2, pino) call require() and read __dirname; an ES module has
// neither, so the bundle defines them from its own URL.
const banner = [
  "import { createRequire as __whaCreateRequire } from 'node:module';",
  "import { fileURLToPath as __whaFileURLToPath } from 'node:url';",
  "import { dirname as __whaDirname } from 'node:path';",
  'const require = __whaCreateRequire(import.meta.url);',
  'const __filename = __whaFileURLToPath(import.meta.url);',
  'const __dirname = __whaDirname(__filename);',
].join('\n');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(BINARIES.map((b) => [b.name, join(root, b.entry)])),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // the workspace packages from source, like vitest does
  alias: {
    '@whmcs-ha/shared': src('shared'),
    '@whmcs-ha/agent': src('agent'),
    '@whmcs-ha/coordinator': src('coordinator'),
    '@whmcs-ha/hactl': src('hactl'),
  },
  // ws loads these native speed-ups inside try/catch and works without them
  external: ['bufferutil', 'utf-8-validate'],
  banner: { js: banner },
  // stack traces in the journal stay readable
  minify: false,
  sourcemap: false,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

cpSync(join(root, 'proto'), join(out, 'proto'), { recursive: true });
for (const b of BINARIES) {
  const file = join(out, `${b.name}.mjs`);
  chmodSync(file, 0o755);
  process.stdout.write(`${relative(root, file)}  ${(statSync(file).size / 1024).toFixed(0)} KiB\n`);
}
process.stdout.write(`${relative(root, join(out, 'proto'))}/  (loaded at run time)\n`);
if (result.warnings.length) process.stdout.write(`${result.warnings.length} warning(s) above\n`);
