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
export const migrationsDirectory = (subgraph: string) => join(projectRoot, 'prisma', subgraph, 'migrations');
export const supergraphPath = join(projectRoot, 'schema', 'supergraph.graphql');
