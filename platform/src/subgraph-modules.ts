import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { projectRoot, type PrismaLike, type SubgraphModule, type SubgraphProcessSettings } from '#kit';

export type AnySubgraphModule = SubgraphModule<SubgraphProcessSettings, PrismaLike>;

/**
 * The subgraphs rover.yaml lists, in its order, which is the order `npm start` and the tests
 * start them: accounts first, since the others verify tokens against its JWKS.
 */
export function subgraphNames(): string[] {
  const rover = parseYaml(readFileSync(join(projectRoot, 'rover.yaml'), 'utf8')) as { subgraphs?: Record<string, unknown> };
  return Object.keys(rover.subgraphs ?? {});
}

const isModuleNamed =
  (name: string) =>
  (value: unknown): value is AnySubgraphModule =>
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === name &&
    typeof (value as { parseSettings?: unknown }).parseSettings === 'function';

/** A subgraph's module: the one SubgraphModule its `src/module.ts` exports, named after its folder. */
async function loadSubgraphModule(name: string): Promise<AnySubgraphModule> {
  // From the sources (tsx, vitest) the module is TypeScript; in the image, compiled JavaScript beside this file's.
  const compiled = import.meta.url.endsWith('.js');
  const file = join(compiled ? join(projectRoot, 'dist') : projectRoot, 'subgraphs', name, 'src', compiled ? 'module.js' : 'module.ts');
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
 * its entry there, nothing in this file.
 */
export const subgraphModules: readonly AnySubgraphModule[] = await Promise.all(subgraphNames().map(loadSubgraphModule));
