#!/usr/bin/env node
// `pnpm proto:gen`: the TypeScript types of every message and service in proto/whmcsha/v1/*.proto,
// written by @grpc/proto-loader's generator into packages/shared/src/generated/ (committed; never edit
// them by hand). packages/shared/test/generated-types.test.ts runs this script into a temporary
// directory and fails when the committed files differ.
//
//   node scripts/proto-gen.mjs [OUT_DIR]   OUT_DIR must be new or empty; default: the committed folder
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const GENERATED_DIR = join(ROOT, 'packages', 'shared', 'src', 'generated');

/** The decoded shapes the types describe: must equal LOADER_OPTIONS in packages/shared/src/grpc.ts (the test checks). */
export const GENERATOR_OPTIONS = { keepCase: false, longs: 'Number', enums: 'String', defaults: true, oneofs: true };

/** Every .proto of the package, relative to proto/ (the generator names each file's source by this path). */
export function protoFiles() {
  return readdirSync(join(ROOT, 'proto', 'whmcsha', 'v1'))
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `whmcsha/v1/${f}`);
}

export function generate(outDir) {
  // the generator ships with @grpc/proto-loader, a dependency of packages/shared
  const bin = createRequire(join(ROOT, 'packages', 'shared', 'package.json')).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  const o = GENERATOR_OPTIONS;
  const args = [
    bin,
    ...(o.keepCase ? ['--keepCase'] : []),
    `--longs=${o.longs}`,
    `--enums=${o.enums}`,
    ...(o.defaults ? ['--defaults'] : []),
    ...(o.oneofs ? ['--oneofs'] : []),
    '--grpcLib=@grpc/grpc-js',
    // the protos' comments become the fields' doc comments
    '--includeComments',
    // NodeNext resolution wants the emitted extension in relative imports
    '--importFileExtension=.js',
    '--includeDirs=proto',
    `--outDir=${outDir}`,
    ...protoFiles(),
  ];
  // relative --includeDirs from the root: each file's "Original file:" line is the same on every machine
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = process.argv[2] ? resolve(process.argv[2]) : GENERATED_DIR;
  if (out === GENERATED_DIR) {
    // start empty: a message or service removed from the protos must not leave its file behind
    rmSync(out, { recursive: true, force: true });
  } else if (existsSync(out) && readdirSync(out).length > 0) {
    console.error(`proto-gen: ${out} is not empty`);
    process.exit(2);
  }
  generate(out);
}
