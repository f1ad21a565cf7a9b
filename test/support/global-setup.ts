import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../platform/src/embedded-postgres.js';
import { freePort } from './free-port.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
  }
}

/**
 * One real PostgreSQL server for the whole run. Each test file creates its
 * own databases on it (see platform.ts), so files never share data.
 * TEST_DATABASE_URL points the suite at an existing server instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env['TEST_DATABASE_URL'];
  if (external !== undefined && external !== '') {
    project.provide('postgresServerUrl', external);
    return async () => {};
  }
  const dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-test-pg-'));
  const postgres = await startEmbeddedPostgres({ dataDirectory, port: await freePort(), ephemeral: true });
  project.provide('postgresServerUrl', postgres.serverUrl);
  return async () => {
    await postgres.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
}
