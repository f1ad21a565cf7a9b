// Writes the next migration of one subgraph by diffing its schema.prisma
// (subgraphs/<subgraph>/prisma/) against the schema its latest migration
// produced (kept beside each migration.sql as schema.prisma). Offline: no
// database is needed. The kit's outbox tables are in no schema.prisma, so no
// diff ever touches them.
//
//   npm run db:migration -- <subgraph> <name>
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { subgraphPrismaDirectory } from '#kit';
import { runPrismaCli } from './prisma-cli.js';

const [subgraph, name] = process.argv.slice(2);
if (subgraph === undefined || name === undefined || !/^[a-z0-9_]+$/.test(name)) {
  process.stderr.write('usage: npm run db:migration -- <subgraph> <snake_case_name>\n');
  process.exit(64);
}
const directory = subgraphPrismaDirectory(subgraph);
const schema = join(directory, 'schema.prisma');
if (!existsSync(schema)) {
  process.stderr.write(`no schema at ${schema}\n`);
  process.exit(66);
}
const migrations = join(directory, 'migrations');
mkdirSync(migrations, { recursive: true });
const previous = readdirSync(migrations, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
  .at(-1);
const from = previous === undefined ? ['--from-empty'] : ['--from-schema-datamodel', join(migrations, previous, 'schema.prisma')];
const sql = runPrismaCli(
  ['migrate', 'diff', '--config', 'prisma/offline-diff.config.ts', ...from, '--to-schema-datamodel', schema, '--script'],
  { capture: true },
);
if (/^-- This is an empty migration\.\s*$/m.test(sql) || sql.trim().length === 0) {
  process.stdout.write('schema.prisma matches the latest migration; nothing to write\n');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const target = join(migrations, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(join(target, 'migration.sql'), sql);
copyFileSync(schema, join(target, 'schema.prisma'));
process.stdout.write(`wrote ${target}/migration.sql\n`);
