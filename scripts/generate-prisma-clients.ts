// Generates each subgraph's Prisma client from subgraphs/<subgraph>/prisma/schema.prisma, offline.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot, subgraphPrismaDirectory } from '#kit';
import { runPrismaCli } from './prisma-cli.js';

const schemas = readdirSync(join(projectRoot, 'subgraphs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(subgraphPrismaDirectory(entry.name), 'schema.prisma'))
  .filter((schema) => existsSync(schema))
  .map((schema) => relative(projectRoot, schema));

for (const schema of schemas) {
  runPrismaCli(['generate', '--schema', schema]);
  process.stdout.write(`generated the Prisma client for ${schema}\n`);
}
