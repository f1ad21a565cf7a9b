// Fails when a subgraph's schema.prisma differs from the schema its latest
// migration produced (a model changed without a migration to go with it), and
// when a subgraph models or creates one of the kit's tables (the outbox and
// processed events, which the kit's own migration creates in every service
// database before the service's migrations run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { kitMigrationsDirectory, migrationsDirectory, projectRoot, subgraphPrismaDirectory } from '#kit';

const migrationFolders = (directory: string) =>
  existsSync(directory)
    ? readdirSync(directory, { withFileTypes: true })
        .filter((folder) => folder.isDirectory())
        .map((folder) => folder.name)
        .sort()
    : [];

const createdTables = (sql: string): string[] =>
  [...sql.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?"?(\w+)"?/gi)].flatMap((match) => (match[1] === undefined ? [] : [match[1]]));

/** The tables a Prisma schema's models map to: `@@map("…")`, or the model's own name. */
const modelledTables = (schema: string): string[] =>
  [...schema.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)].flatMap((match) => {
    const table = /@@map\("(\w+)"\)/.exec(match[2] ?? '')?.[1] ?? match[1];
    return table === undefined ? [] : [table];
  });

const kitTables = new Set(
  migrationFolders(kitMigrationsDirectory).flatMap((name) =>
    createdTables(readFileSync(join(kitMigrationsDirectory, name, 'migration.sql'), 'utf8')),
  ),
);
if (kitTables.size === 0) {
  process.stderr.write(`no table created by the kit's migrations in ${relative(projectRoot, kitMigrationsDirectory)}\n`);
  process.exit(1);
}

const problems: string[] = [];
for (const entry of readdirSync(join(projectRoot, 'subgraphs'), { withFileTypes: true })) {
  const schema = join(subgraphPrismaDirectory(entry.name), 'schema.prisma');
  if (!entry.isDirectory() || !existsSync(schema)) continue;
  const shown = relative(projectRoot, schema);
  const migrations = migrationsDirectory(entry.name);
  const latest = migrationFolders(migrations).at(-1);
  const snapshot = latest === undefined ? undefined : join(migrations, latest, 'schema.prisma');
  const text = readFileSync(schema, 'utf8');
  if (snapshot === undefined || !existsSync(snapshot) || readFileSync(snapshot, 'utf8') !== text) {
    problems.push(`${shown} has changes no migration covers: run npm run db:migration -- ${entry.name} <name>`);
  }
  for (const table of modelledTables(text).filter((name) => kitTables.has(name))) {
    problems.push(`${shown} models ${table}, a table the kit's migration creates in every service database: remove the model`);
  }
  for (const name of migrationFolders(migrations)) {
    const sql = readFileSync(join(migrations, name, 'migration.sql'), 'utf8');
    for (const table of createdTables(sql).filter((created) => kitTables.has(created))) {
      problems.push(`${relative(projectRoot, join(migrations, name))} creates ${table}, a table the kit's migration creates: remove it`);
    }
  }
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write("every schema.prisma matches its latest migration, and none holds the kit's tables\n");
