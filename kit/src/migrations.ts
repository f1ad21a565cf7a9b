import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { kitMigrationsDirectory, migrationsDirectory } from './project-paths.js';

export interface Migration {
  /** The folder name, e.g. `20261121000000_init`; migrations apply in name order. */
  name: string;
  sql: string;
  checksum: string;
  /**
   * Checksums of earlier texts of this migration that a database may have recorded, from a
   * `superseded.sha256` file beside it (`<sha256>  migration.sql` lines, `#` comments). Kept for an
   * edit that leaves every database the same, such as the outbox tables that moved into the kit's
   * migration, which creates them only where they are missing.
   */
  supersededChecksums: readonly string[];
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/** Reads `<directory>/<name>/migration.sql` for every migration folder (Prisma's layout). */
export async function readMigrations(directory: string): Promise<Migration[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(directory, name, 'migration.sql'), 'utf8');
      const supersededChecksums = await readSupersededChecksums(join(directory, name, 'superseded.sha256'));
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex'), supersededChecksums };
    }),
  );
}

async function readSupersededChecksums(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const [checksum] = line.split(/\s+/);
      if (checksum === undefined || !/^[0-9a-f]{64}$/.test(checksum)) throw new Error(`${file}: not a sha256 checksum line: ${line}`);
      return checksum;
    });
}

/**
 * Everything a service database is migrated with: the kit's migrations (the outbox and
 * processed-events tables every service shares), then the service's own.
 */
export async function readServiceMigrations(subgraph: string): Promise<Migration[]> {
  const [kit, service] = await Promise.all([readMigrations(kitMigrationsDirectory), readMigrations(migrationsDirectory(subgraph))]);
  return [...kit, ...service];
}

// Any constant works; it only has to be the same for every migrator of one database.
const migrationLockKey = 7_311_020_117;

/**
 * Applies the migrations a database has not seen yet, in the order given,
 * each in its own transaction. An advisory lock lets several instances start
 * at once, and a migration whose file changed after it was applied stops the
 * run (history is append-only), unless the checksum recorded is one the
 * migration lists as superseded. The recorded checksum is then left as it is,
 * so the previous release still starts against the same database.
 */
export async function applyMigrations(databaseUrl: string, migrations: readonly Migration[]): Promise<MigrationReport> {
  const duplicate = migrations.find((migration, index) => migrations.findIndex((other) => other.name === migration.name) !== index);
  if (duplicate !== undefined) throw new Error(`two migrations are named ${duplicate.name}; each name is recorded once`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    await client.query(`create table if not exists _migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await client.query<{ name: string; checksum: string }>('select name, checksum from _migrations');
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum && !migration.supersededChecksums.includes(checksum)) {
          throw new Error(`migration ${migration.name} was changed after it was applied; add a new migration instead of editing it`);
        }
        report.alreadyApplied += 1;
        continue;
      }
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query('insert into _migrations (name, checksum) values ($1, $2)', [migration.name, migration.checksum]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [migrationLockKey]).catch(() => {});
    await client.end();
  }
}

/** Creates a database on the server if it does not exist yet. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`create database ${name}`).catch((error: { code?: string }) => {
        // Created meanwhile by another process: 42P04 if it had committed, 23505 if both raced in the catalog.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** The URL of one database on the server that `serverUrl` points at. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
