import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let directory = start;
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gasrapido-supergraph') {
      return directory;
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no gasrapido-supergraph package.json above ${start}`);
    directory = parent;
  }
}

/** The repository root, found the same way from sources and from a compiled dist/. */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export const subgraphSchemaPath = (subgraph: string) => join(projectRoot, 'subgraphs', subgraph, 'schema.graphql');
/** A subgraph's Prisma schema and its migrations, in its own folder. */
export const subgraphPrismaDirectory = (subgraph: string) => join(projectRoot, 'subgraphs', subgraph, 'prisma');
export const migrationsDirectory = (subgraph: string) => join(subgraphPrismaDirectory(subgraph), 'migrations');
/** The kit's own migrations (the outbox and processed-events tables), applied to every service database first. */
export const kitMigrationsDirectory = join(projectRoot, 'prisma', 'outbox', 'migrations');
export const supergraphPath = join(projectRoot, 'schema', 'supergraph.graphql');
