// `npm run db:deploy`: applies pending migrations to every subgraph's database (the
// kit's outbox migration first, then the subgraph's own from subgraphs/<name>/prisma),
// for deployments. Each database comes from <SUBGRAPH>_DATABASE_URL, e.g.
// ACCOUNTS_DATABASE_URL and PRODUCTS_DATABASE_URL. Safe to run from several
// places at once: the runner takes an advisory lock per database.
import { applyMigrations, ConfigError, loadConfigOrExit, readServiceMigrations } from '#kit';
import { subgraphModules } from '../platform/src/subgraph-modules.js';

const targets = loadConfigOrExit(() => {
  const problems: string[] = [];
  const found = subgraphModules.map((module) => {
    const variable = `${module.environmentPrefix}_DATABASE_URL`;
    const url = process.env[variable];
    if (url === undefined || !url.startsWith('postgres')) problems.push(`${variable}: must be a postgresql:// URL (not set)`);
    return { name: module.name, url: url ?? '' };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return found;
});

for (const target of targets) {
  const report = await applyMigrations(target.url, await readServiceMigrations(target.name));
  process.stdout.write(
    `${target.name}: ${report.applied.length} applied${report.applied.length > 0 ? ` (${report.applied.join(', ')})` : ''}, ${report.alreadyApplied} already applied\n`,
  );
}
