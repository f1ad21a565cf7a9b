import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { applyMigrations, databaseUrl, ensureDatabase, readMigrations, readServiceMigrations } from '#kit';
import { queryRows } from '../support/sql.js';

const serverUrl = inject('postgresServerUrl');
const createdDatabases: string[] = [];
const createdDirectories: string[] = [];

/** A new, empty database on the suite's server; dropped after the file. */
async function freshDatabase(): Promise<string> {
  const name = `migrations_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  createdDatabases.push(name);
  return databaseUrl(serverUrl, name);
}

/** Writes migration folders in Prisma's layout (`<dir>/<name>/migration.sql`) into a new temp directory. */
async function migrationFolder(migrations: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'gasrapido-migrations-'));
  createdDirectories.push(directory);
  await writeMigrations(directory, migrations);
  return directory;
}

async function writeMigrations(directory: string, migrations: Record<string, string>): Promise<void> {
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(join(directory, name), { recursive: true });
    await writeFile(join(directory, name, 'migration.sql'), sql);
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const rows = await queryRows<{ exists: string | null }>(url, 'select to_regclass($1)::text as exists', [`public.${table}`]);
  return rows[0]?.exists !== null && rows[0]?.exists !== undefined;
}

const recorded = async (url: string) =>
  (await queryRows<{ name: string; checksum: string }>(url, 'select name, checksum from _migrations order by name')).map((row) => ({
    name: row.name,
    checksum: row.checksum,
  }));

afterEach(async () => {
  await Promise.all(createdDirectories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

afterAll(async () => {
  for (const name of createdDatabases.splice(0)) {
    await queryRows(serverUrl, `drop database if exists ${name} with (force)`);
  }
});

// Each migration appends its name to a log, so the order in which they ran is visible afterwards.
const basicMigrations = {
  '20260103000000_orders': `
    create table orders (id serial primary key, customer_id int not null references customers (id));
    insert into migration_log (name) values ('orders');`,
  '20260101000000_init': `
    create table migration_log (position serial primary key, name text not null);
    create table customers (id serial primary key, name text not null);
    insert into migration_log (name) values ('init');`,
  '20260102000000_customer_email': `
    alter table customers add column email text;
    insert into migration_log (name) values ('customer_email');`,
};
const basicNames = ['20260101000000_init', '20260102000000_customer_email', '20260103000000_orders'];

describe('readMigrations', () => {
  it('reads every migration folder in name order with a checksum of its SQL, ignoring loose files', async () => {
    const directory = await migrationFolder(basicMigrations);
    await writeFile(join(directory, 'migration_lock.toml'), 'provider = "postgresql"\n');
    const migrations = await readMigrations(directory);
    expect(migrations.map((migration) => migration.name)).toEqual(basicNames);
    expect(migrations[0]!.sql).toBe(basicMigrations['20260101000000_init']);
    expect(migrations[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(migrations.map((migration) => migration.checksum)).size).toBe(3);
  });
});

describe('applyMigrations', () => {
  it('applies pending migrations in name order and records each with its checksum', async () => {
    const url = await freshDatabase();
    const migrations = await readMigrations(await migrationFolder(basicMigrations));

    const report = await applyMigrations(url, migrations);

    expect(report).toEqual({ applied: basicNames, alreadyApplied: 0 });
    const log = await queryRows<{ name: string }>(url, 'select name from migration_log order by position');
    expect(log.map((row) => row.name)).toEqual(['init', 'customer_email', 'orders']);
    expect(await recorded(url)).toEqual(migrations.map(({ name, checksum }) => ({ name, checksum })));
    expect(await tableExists(url, 'orders')).toBe(true);
  });

  it('applies nothing on a second run, and only the new migration once one is added', async () => {
    const url = await freshDatabase();
    const directory = await migrationFolder(basicMigrations);
    await applyMigrations(url, await readMigrations(directory));

    expect(await applyMigrations(url, await readMigrations(directory))).toEqual({ applied: [], alreadyApplied: 3 });
    const log = await queryRows<{ count: string }>(url, 'select count(*) as count from migration_log');
    expect(log[0]!.count).toBe('3');

    await writeMigrations(directory, {
      '20260104000000_order_total': `alter table orders add column total_cents int not null default 0;
        insert into migration_log (name) values ('order_total');`,
    });
    expect(await applyMigrations(url, await readMigrations(directory))).toEqual({
      applied: ['20260104000000_order_total'],
      alreadyApplied: 3,
    });
  });

  it('refuses to run when an applied migration was edited afterwards, and applies nothing after it', async () => {
    const url = await freshDatabase();
    const directory = await migrationFolder(basicMigrations);
    await applyMigrations(url, await readMigrations(directory));

    await writeMigrations(directory, {
      '20260102000000_customer_email': `alter table customers add column email text not null;
        insert into migration_log (name) values ('customer_email');`,
      '20260104000000_later': `create table later (id int);`,
    });
    await expect(applyMigrations(url, await readMigrations(directory))).rejects.toThrow(
      'migration 20260102000000_customer_email was changed after it was applied; add a new migration instead of editing it',
    );
    expect(await tableExists(url, 'later')).toBe(false);
    expect((await recorded(url)).map((row) => row.name)).toEqual(basicNames);
  });

  it('rolls a failing migration back entirely, names it, and keeps the migrations before it', async () => {
    const url = await freshDatabase();
    const directory = await migrationFolder({
      '20260101000000_first': 'create table first_table (id int primary key);',
      '20260102000000_broken': `create table half_done (id int primary key);
        insert into first_table (id) values (1);
        insert into no_such_table (id) values (1);`,
      '20260103000000_after': 'create table after_broken (id int);',
    });

    const failure = applyMigrations(url, await readMigrations(directory));
    await expect(failure).rejects.toThrow(/^migration 20260102000000_broken failed: .*no_such_table/);

    expect(await tableExists(url, 'first_table')).toBe(true);
    expect(await tableExists(url, 'half_done')).toBe(false);
    expect(await queryRows(url, 'select * from first_table')).toEqual([]);
    expect(await tableExists(url, 'after_broken')).toBe(false);
    expect((await recorded(url)).map((row) => row.name)).toEqual(['20260101000000_first']);

    // Once fixed, the run picks up where it stopped.
    await writeMigrations(directory, { '20260102000000_broken': 'create table half_done (id int primary key);' });
    expect(await applyMigrations(url, await readMigrations(directory))).toEqual({
      applied: ['20260102000000_broken', '20260103000000_after'],
      alreadyApplied: 1,
    });
  });

  it('leaves the connection usable after a failure, so the next run on the same database works', async () => {
    const url = await freshDatabase();
    const broken = await readMigrations(await migrationFolder({ '20260101000000_syntax': 'create tabel oops (id int);' }));
    await expect(applyMigrations(url, broken)).rejects.toThrow(/^migration 20260101000000_syntax failed: syntax error/);
    // The advisory lock was released: a second run does not hang.
    const fine = await readMigrations(await migrationFolder({ '20260101000000_fine': 'create table fine (id int);' }));
    expect(await applyMigrations(url, fine)).toEqual({ applied: ['20260101000000_fine'], alreadyApplied: 0 });
  });

  it("refuses two migrations of one name (the kit's and a service's), which would share one record", async () => {
    const url = await freshDatabase();
    const first = await readMigrations(await migrationFolder({ '20260101000000_same': 'create table one (id int);' }));
    const second = await readMigrations(await migrationFolder({ '20260101000000_same': 'create table two (id int);' }));
    await expect(applyMigrations(url, [...first, ...second])).rejects.toThrow('two migrations are named 20260101000000_same');
    expect(await tableExists(url, 'one')).toBe(false);
  });

  it('accepts a recorded checksum that the migration lists in superseded.sha256, and keeps the record', async () => {
    const url = await freshDatabase();
    const directory = await migrationFolder({ '20260101000000_init': 'create table kept (id int);\ncreate table moved (id int);' });
    await applyMigrations(url, await readMigrations(directory));
    const before = await recorded(url);
    await writeMigrations(directory, { '20260101000000_init': 'create table kept (id int);' });
    await writeFile(
      join(directory, '20260101000000_init', 'superseded.sha256'),
      `# moved elsewhere\n${before[0]?.checksum}  migration.sql\n`,
    );
    expect(await applyMigrations(url, await readMigrations(directory))).toEqual({ applied: [], alreadyApplied: 1 });
    expect(await recorded(url)).toEqual(before);

    await writeFile(join(directory, '20260101000000_init', 'superseded.sha256'), 'not-a-checksum  migration.sql\n');
    await expect(readMigrations(directory)).rejects.toThrow(/not a sha256 checksum line/);
  });

  it('lets two instances migrate one database at once, applying each migration exactly once', async () => {
    const url = await freshDatabase();
    const migrations = await readMigrations(
      await migrationFolder({
        '20260101000000_log': 'create table migration_log (position serial primary key, name text not null);',
        // Slow enough that the second caller arrives while the first holds the lock.
        '20260102000000_slow': `select pg_sleep(0.3); create table slow (id int);
          insert into migration_log (name) values ('slow');`,
        '20260103000000_last': `create table last (id int); insert into migration_log (name) values ('last');`,
      }),
    );

    const [first, second] = await Promise.all([applyMigrations(url, migrations), applyMigrations(url, migrations)]);

    const names = migrations.map((migration) => migration.name);
    expect([...first.applied, ...second.applied].sort()).toEqual(names);
    expect([first, second]).toContainEqual({ applied: names, alreadyApplied: 0 });
    expect([first, second]).toContainEqual({ applied: [], alreadyApplied: 3 });
    const log = await queryRows<{ name: string }>(url, 'select name from migration_log order by position');
    expect(log.map((row) => row.name)).toEqual(['slow', 'last']);
    expect((await recorded(url)).map((row) => row.name)).toEqual(names);
  });

  it('does not make migrations of different databases wait for each other beyond the lock', async () => {
    const [one, two] = await Promise.all([freshDatabase(), freshDatabase()]);
    const migrations = await readMigrations(await migrationFolder({ '20260101000000_only': 'create table only_table (id int);' }));
    const reports = await Promise.all([applyMigrations(one, migrations), applyMigrations(two, migrations)]);
    expect(reports).toEqual([
      { applied: ['20260101000000_only'], alreadyApplied: 0 },
      { applied: ['20260101000000_only'], alreadyApplied: 0 },
    ]);
  });
});

describe("the project's own migrations", () => {
  it.each([
    ['accounts', ['users', 'refresh_tokens', 'signing_keys', 'outbox_events', 'processed_events']],
    ['products', ['products', 'outbox_events', 'processed_events']],
  ])("apply cleanly to an empty %s database (the kit's outbox first), and only once", async (subgraph, tables) => {
    const url = await freshDatabase();
    const migrations = await readServiceMigrations(subgraph);
    expect(migrations.length).toBeGreaterThan(0);

    const report = await applyMigrations(url, migrations);
    expect(report).toEqual({ applied: migrations.map((migration) => migration.name), alreadyApplied: 0 });
    for (const table of tables) expect(await tableExists(url, table), table).toBe(true);

    expect(await applyMigrations(url, migrations)).toEqual({ applied: [], alreadyApplied: migrations.length });
  });
});

describe('ensureDatabase', () => {
  it('creates a database once and leaves an existing one alone', async () => {
    const name = `migrations_${randomBytes(6).toString('hex')}`;
    createdDatabases.push(name);
    await ensureDatabase(serverUrl, name);
    const url = databaseUrl(serverUrl, name);
    await queryRows(url, 'create table kept (id int)');
    await ensureDatabase(serverUrl, name);
    expect(await tableExists(url, 'kept')).toBe(true);
  });

  it('tolerates another process creating the same database at the same moment', async () => {
    const name = `migrations_${randomBytes(6).toString('hex')}`;
    createdDatabases.push(name);
    await Promise.all([ensureDatabase(serverUrl, name), ensureDatabase(serverUrl, name), ensureDatabase(serverUrl, name)]);
    const rows = await queryRows(serverUrl, 'select 1 from pg_database where datname = $1', [name]);
    expect(rows).toHaveLength(1);
  });

  it('refuses a name that is not a plain lower-case identifier', async () => {
    await expect(ensureDatabase(serverUrl, 'x; drop database postgres')).rejects.toThrow('unsafe database name');
    await expect(ensureDatabase(serverUrl, 'Upper')).rejects.toThrow('unsafe database name');
  });
});
