import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, type Environment } from '#kit';
import type { DemoPerson } from './demo-data.js';

/**
 * Creates the demo admin with `npm run admin:create`'s script, the only way to make an admin,
 * against the database that command finds from the same environment (the one `npm start` uses).
 */
export function adminCreatorFor(environment: Environment) {
  return async (admin: DemoPerson, password: string): Promise<void> => {
    const script = join(projectRoot, 'scripts', 'create-admin.ts');
    try {
      await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', script, '--email', admin.email, '--phone', admin.phone, '--name', admin.name],
        {
          cwd: projectRoot,
          env: { ...environment, ADMIN_PASSWORD: password },
          timeout: 120_000,
        },
      );
    } catch (error) {
      const failure = error as { stderr?: string; message: string };
      throw new Error(`admin:create failed: ${(failure.stderr ?? '').trim() || failure.message}`, { cause: error });
    }
  };
}
