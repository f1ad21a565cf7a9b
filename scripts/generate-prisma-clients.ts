// Generates each subgraph's Prisma client from prisma/<subgraph>/schema.prisma, offline.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#kit';
import { runPrismaCli } from './prisma-cli.js';

const schemas = readdirSync(join(projectRoot, 'prisma'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(projectRoot, 'prisma', entry.name, 'schema.prisma')))
  .map((entry) => join('prisma', entry.name, 'schema.prisma'));

for (const schema of schemas) {
  runPrismaCli(['generate', '--schema', schema]);
  process.stdout.write(`generated the Prisma client for ${schema}\n`);
}
