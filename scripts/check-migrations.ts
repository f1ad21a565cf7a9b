// Fails when a subgraph's schema.prisma differs from the schema its latest
// migration produced: a model changed without a migration to go with it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#kit';

const problems: string[] = [];
for (const entry of readdirSync(join(projectRoot, 'prisma'), { withFileTypes: true })) {
  const schema = join(projectRoot, 'prisma', entry.name, 'schema.prisma');
  if (!entry.isDirectory() || !existsSync(schema)) continue;
  const migrations = join(projectRoot, 'prisma', entry.name, 'migrations');
  const latest = existsSync(migrations)
    ? readdirSync(migrations, { withFileTypes: true }).filter((folder) => folder.isDirectory()).map((folder) => folder.name).sort().at(-1)
    : undefined;
  const snapshot = latest === undefined ? undefined : join(migrations, latest, 'schema.prisma');
  if (snapshot === undefined || !existsSync(snapshot) || readFileSync(snapshot, 'utf8') !== readFileSync(schema, 'utf8')) {
    problems.push(`prisma/${entry.name}/schema.prisma has changes no migration covers: run npm run db:migration -- ${entry.name} <name>`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('every schema.prisma matches its latest migration\n');
