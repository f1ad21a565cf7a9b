import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PrismaLike, SubgraphModule, SubgraphProcessSettings } from '#kit';
import { loadSubgraphErrorCodes } from './subgraph-error-codes.js';
import { subgraphNames, subgraphSourceFile } from './subgraph-sources.js';

export { subgraphNames } from './subgraph-sources.js';

export type AnySubgraphModule = SubgraphModule<SubgraphProcessSettings, PrismaLike>;

const isModuleNamed =
  (name: string) =>
  (value: unknown): value is AnySubgraphModule =>
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === name &&
    typeof (value as { parseSettings?: unknown }).parseSettings === 'function';

/** A subgraph's module: the one SubgraphModule its `src/module.ts` exports, named after its folder. */
async function loadSubgraphModule(name: string): Promise<AnySubgraphModule> {
  const file = subgraphSourceFile(name, 'module');
  if (!existsSync(file)) throw new Error(`rover.yaml lists the subgraph '${name}', but ${file} does not exist`);
  const exported: Record<string, unknown> = await import(/* @vite-ignore */ pathToFileURL(file).href);
  const modules = Object.values(exported).filter(isModuleNamed(name));
  if (modules.length !== 1 || modules[0] === undefined) {
    throw new Error(`subgraphs/${name}/src/module.ts must export exactly one SubgraphModule named '${name}' (found ${modules.length})`);
  }
  return modules[0];
}

/**
 * Every subgraph the platform runs, found from rover.yaml: adding a subgraph is its folder and
 * its entry there, nothing in this file. Each one's error codes (`src/errors.ts`) are registered
 * first, so a process running several subgraphs knows all their codes, whether or not its module
 * imports them (in its own process, a subgraph registers the codes its resolvers raise: raising
 * one imports its errors.ts).
 */
export const subgraphModules: readonly AnySubgraphModule[] = await loadSubgraphErrorCodes().then(() =>
  Promise.all(subgraphNames().map(loadSubgraphModule)),
);
