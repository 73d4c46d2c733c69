import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the .proto files live. From source or dist they sit at the repository
 * root; a bundled binary ships them beside itself (WHA_PROTO_DIR overrides).
 */
export function protoDir(): string {
  const env = process.env.WHA_PROTO_DIR;
  if (env) return env;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'whmcsha', 'v1', 'agent.proto'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find proto/whmcsha/v1/*.proto (set WHA_PROTO_DIR)');
}
