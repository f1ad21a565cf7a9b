// Runs the Prisma CLI offline. Prisma 6.19 checks for native engine binaries
// before `generate` and `migrate diff` and tries to download them, although
// neither command runs them here: `generate` builds the Rust-free client
// (engineType = "client") and `migrate diff` uses the WebAssembly schema engine
// through prisma/offline-diff.config.ts. Pointing the engine variables at any
// existing file satisfies the check. (The CLI's --no-hints flag sends it
// looking for an engine again: leave it out.)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { projectRoot } from '#kit';

const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');

export function runPrismaCli(args: readonly string[], options: { capture?: boolean } = {}): string {
  const output = execFileSync(process.execPath, [cli, ...args], {
    cwd: projectRoot,
    stdio: ['ignore', options.capture ? 'pipe' : 'ignore', 'inherit'],
    encoding: 'utf8',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath,
      PRISMA_QUERY_ENGINE_LIBRARY: process.env['PRISMA_QUERY_ENGINE_LIBRARY'] ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  return output ?? '';
}
