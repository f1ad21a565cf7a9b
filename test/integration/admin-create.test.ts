import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#kit';
import { startEmbeddedPostgres, type RunningPostgres } from '../../platform/src/embedded-postgres.js';
import { freePort } from '../support/free-port.js';

const run = promisify(execFile);

/** `npm run admin:create` as an operator runs it, with the given environment; never throws. */
async function createAdmin(environment: Record<string, string>) {
  const settings: NodeJS.ProcessEnv = { ...process.env, ADMIN_PASSWORD: 'a long admin password 4 the test' };
  delete settings['DATABASE_URL'];
  delete settings['ACCOUNTS_DATABASE_URL'];
  Object.assign(settings, environment);
  const args = [
    '--import',
    'tsx',
    join(projectRoot, 'scripts', 'create-admin.ts'),
    '--email',
    'ana@example.com',
    '--phone',
    '+5511999990000',
    '--name',
    'Ana Admin',
  ];
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: projectRoot, env: settings, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('npm run admin:create', () => {
  let dataDirectory: string;
  let postgres: RunningPostgres;
  let runningPort: number;

  beforeAll(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-admin-create-'));
    runningPort = await freePort();
    // What `npm start` leaves running: the embedded server on its data directory.
    postgres = await startEmbeddedPostgres({ dataDirectory, port: runningPort, ephemeral: true });
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('given another port than the running embedded server’s, says which port to use instead of a stack trace', async () => {
    const otherPort = await freePort();
    const result = await createAdmin({ EMBEDDED_POSTGRES_DIR: dataDirectory, EMBEDDED_POSTGRES_PORT: String(otherPort) });
    expect(result.code).toBe(69);
    expect(result.stderr).toContain(`already served by a running server on port ${runningPort}`);
    expect(result.stderr).toContain(`set EMBEDDED_POSTGRES_PORT=${runningPort}`);
    expect(result.stderr).not.toMatch(/postmaster\.pid|\n\s+at /);
  }, 60_000);

  it('given a database server nobody listens on, names it without a stack trace', async () => {
    const closedPort = await freePort();
    const result = await createAdmin({ DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${closedPort}/postgres` });
    expect(result.code).toBe(69);
    expect(result.stderr).toContain(`cannot reach PostgreSQL at 127.0.0.1:${closedPort}/postgres`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('given the same port, creates the admin in that server’s accounts database', async () => {
    const result = await createAdmin({ EMBEDDED_POSTGRES_DIR: dataDirectory, EMBEDDED_POSTGRES_PORT: String(runningPort) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created admin ana@example\.com \(/);
  }, 120_000);
});
