// helm, for rendering the chart offline. Taken from PATH when installed; otherwise a pinned
// release is built once from the Go module proxy (`go install helm.sh/helm/v3/cmd/helm@…`, which
// needs Go) and cached under $GASRAPIDO_CACHE_DIR (~/.cache/gasrapido), as the Kafka jars and
// the Kubernetes schemas are.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HELM_VERSION = 'v3.22.1';

/** Where Go is looked for when `go` is not on PATH: the official tarball's location. */
const goCandidates = ['go', '/usr/local/go/bin/go'];

export function ensureHelm(cacheRoot = process.env['GASRAPIDO_CACHE_DIR'] || join(homedir(), '.cache', 'gasrapido')): string {
  if (onPath('helm')) return 'helm';
  const binDir = join(cacheRoot, `helm-${HELM_VERSION}`);
  const cached = join(binDir, 'helm');
  if (existsSync(cached)) return cached;
  const go = goCandidates.find(onPath);
  if (go === undefined) {
    throw new Error(
      `helm is not on PATH and Go is not installed to build helm ${HELM_VERSION}; install either (https://helm.sh/docs/intro/install/)`,
    );
  }
  mkdirSync(binDir, { recursive: true });
  process.stderr.write(`building helm ${HELM_VERSION} with Go (once; cached in ${binDir})…\n`);
  try {
    execFileSync(go, ['install', `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30 * 60_000,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-5)
      .join('\n');
    throw new Error(`could not build helm ${HELM_VERSION} with ${go}: ${stderr || (error as Error).message}`, { cause: error });
  }
  if (!existsSync(cached)) throw new Error(`go install reported success but ${cached} is missing`);
  return cached;
}

function onPath(command: string): boolean {
  try {
    execFileSync(command, ['version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch (error) {
    // Anything but "not found" means the command exists (an old go rejects `version` flags, say).
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
