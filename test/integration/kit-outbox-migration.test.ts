// The outbox and processed-events tables moved from each service's init migration into the kit's
// own migration. Databases created before the move (their init migration made those tables, and
// the runner recorded its checksum) must upgrade to the new files without an error, end up like a
// database created from scratch, and keep relaying events.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  applyMigrations,
  createLogger,
  databaseUrl,
  ensureDatabase,
  kitMigrationsDirectory,
  MemoryEventBus,
  migrationsDirectory,
  projectRoot,
  readMigrations,
  readServiceMigrations,
  startOutboxRelay,
  subgraphPrismaDirectory,
  type BusMessage,
  type Migration,
} from '#kit';
import { queryRows } from '../support/sql.js';

const serverUrl = inject('postgresServerUrl');
const createdDatabases: string[] = [];

/** The migration.sql files as they were before the move, taken from git: `<subgraph>/<migration>/migration.sql`. */
const fixtureDirectory = join(projectRoot, 'test', 'fixtures', 'migrations-before-kit-outbox');

async function freshDatabase(): Promise<string> {
  const name = `kit_outbox_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  createdDatabases.push(name);
  return databaseUrl(serverUrl, name);
}

// Dropped after each test, not all at the end: a few at a time stay well inside a hook's time limit.
afterEach(async () => {
  for (const name of createdDatabases.splice(0)) await queryRows(serverUrl, `drop database if exists ${name} with (force)`);
});

/** A subgraph's migrations as the previous release shipped them: today's files, with the edited ones put back. */
async function previousReleaseMigrations(subgraph: string): Promise<Migration[]> {
  const current = await readMigrations(migrationsDirectory(subgraph));
  const edited = new Set(await readdir(join(fixtureDirectory, subgraph)));
  return Promise.all(
    current.map(async (migration) => {
      if (!edited.has(migration.name)) return { ...migration, supersededChecksums: [] };
      const sql = await readFile(join(fixtureDirectory, subgraph, migration.name, 'migration.sql'), 'utf8');
      return { name: migration.name, sql, checksum: createHash('sha256').update(sql).digest('hex'), supersededChecksums: [] };
    }),
  );
}

/**
 * Everything in the public schema that a migration makes, in a comparable form: two databases
 * with the same shape give the same value, and a table, index, trigger or function made twice shows.
 */
async function schemaShape(url: string) {
  const rows = async (sql: string) => (await queryRows(url, sql)).map((row) => Object.values(row).join(' | '));
  return {
    columns: await rows(`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
      where table_schema = 'public' and table_name <> '_migrations' order by table_name, column_name`),
    constraints: await rows(`select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
      where connamespace = 'public'::regnamespace and conrelid <> 'public._migrations'::regclass order by 1, 2`),
    indexes: await rows(`select tablename, indexname, indexdef from pg_indexes
      where schemaname = 'public' and tablename <> '_migrations' order by tablename, indexname`),
    triggers: await rows(`select tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) from pg_trigger
      where not tgisinternal order by 1, 2`),
    functions: await rows(`select proname, md5(prosrc) from pg_proc where pronamespace = 'public'::regnamespace order by 1, 2`),
    sequences: await rows(`select sequencename from pg_sequences where schemaname = 'public' order by 1`),
    types: await rows(`select typname from pg_type where typnamespace = 'public'::regnamespace and typtype = 'e' order by 1`),
  };
}

const subgraphsWithDatabases = (await readdir(join(projectRoot, 'subgraphs'))).filter((name) =>
  existsSync(join(subgraphPrismaDirectory(name), 'schema.prisma')),
);
const kitMigrationNames = (await readMigrations(kitMigrationsDirectory)).map((migration) => migration.name);

describe("the kit's outbox migration", () => {
  it('has the previous text of every migration it took the outbox tables from', async () => {
    // Every service had the outbox in one of its migrations; each of those is in the fixture.
    expect((await readdir(fixtureDirectory)).sort()).toEqual([...subgraphsWithDatabases].sort());
  });

  it.each(subgraphsWithDatabases)(
    'upgrades a %s database made by the previous migrations, which then matches a fresh one',
    async (subgraph) => {
      const upgraded = await freshDatabase();
      const previous = await previousReleaseMigrations(subgraph);
      await applyMigrations(upgraded, previous);
      expect(await queryRows(upgraded, `select to_regclass('outbox_events')::text as outbox`)).toEqual([{ outbox: 'outbox_events' }]);

      const current = await readServiceMigrations(subgraph);
      expect(await applyMigrations(upgraded, current)).toEqual({ applied: kitMigrationNames, alreadyApplied: previous.length });
      expect(await applyMigrations(upgraded, current)).toEqual({ applied: [], alreadyApplied: current.length });

      const fresh = await freshDatabase();
      expect(await applyMigrations(fresh, current)).toEqual({ applied: current.map((migration) => migration.name), alreadyApplied: 0 });

      const shape = await schemaShape(upgraded);
      expect(shape).toEqual(await schemaShape(fresh));
      expect(shape.triggers.filter((trigger) => trigger.startsWith('outbox_events |'))).toHaveLength(1);
      expect(shape.functions.filter((fn) => fn.startsWith('notify_outbox_relay |'))).toHaveLength(1);
      expect(shape.indexes.filter((index) => index.startsWith('outbox_events |'))).toHaveLength(3);
    },
  );

  it('is needed: without the superseded checksums the runner refuses the edited migrations', async () => {
    const url = await freshDatabase();
    await applyMigrations(url, await previousReleaseMigrations('orders'));
    const withoutUpgradePath = (await readServiceMigrations('orders')).map((migration) => ({ ...migration, supersededChecksums: [] }));
    await expect(applyMigrations(url, withoutUpgradePath)).rejects.toThrow(/was changed after it was applied/);
  });

  it('still refuses a database that recorded a text of the migration it does not list', async () => {
    const url = await freshDatabase();
    const edited = (await readdir(join(fixtureDirectory, 'orders')))[0];
    const unlisted = (await previousReleaseMigrations('orders')).map((migration) => {
      if (migration.name !== edited) return migration;
      const sql = `${migration.sql}\n-- edited by hand somewhere\n`;
      return { ...migration, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
    await applyMigrations(url, unlisted);
    await expect(applyMigrations(url, await readServiceMigrations('orders'))).rejects.toThrow(
      `migration ${edited} was changed after it was applied`,
    );
  });

  it('keeps the outbox of an upgraded database working: an event written is relayed, woken by its trigger', async () => {
    const url = await freshDatabase();
    await applyMigrations(url, await previousReleaseMigrations('orders'));
    await applyMigrations(url, await readServiceMigrations('orders'));

    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const bus = new MemoryEventBus();
    const received: BusMessage[] = [];
    await bus.subscribe({ groupId: 'upgrade-test', topics: ['upgrade.test'], handle: async (message) => void received.push(message) });
    // No fallback poll within the test's time: only the trigger's NOTIFY wakes the relay.
    const relay = await startOutboxRelay({
      databaseUrl: url,
      pool,
      bus,
      logger: createLogger({ service: 'test', level: 'silent' }),
      pollIntervalMs: 600_000,
    });
    try {
      await sleep(300);
      const id = randomUUID();
      await pool.query(`insert into outbox_events (id, topic, key, envelope) values ($1, 'upgrade.test', 'order-1', $2::jsonb)`, [
        id,
        JSON.stringify({ id, type: 'upgrade.tested' }),
      ]);
      await relay.drained(5_000);
      for (let waited = 0; received.length === 0 && waited < 5_000; waited += 20) await sleep(20);
      expect(received.map((message) => message.key)).toEqual(['order-1']);
      expect(JSON.parse(received[0]?.value ?? '{}')).toMatchObject({ id });
      expect(await queryRows(url, 'select count(*)::int as count from outbox_events where published_at is not null')).toEqual([
        { count: 1 },
      ]);

      // Consumers record what they handled; the key refuses a second record of one event.
      await pool.query(`insert into processed_events (consumer, event_id) values ('upgrade-test', $1)`, [id]);
      await expect(pool.query(`insert into processed_events (consumer, event_id) values ('upgrade-test', $1)`, [id])).rejects.toThrow(
        /duplicate key/,
      );
    } finally {
      await relay.stop();
      await bus.close();
      await pool.end();
    }
  });
});
