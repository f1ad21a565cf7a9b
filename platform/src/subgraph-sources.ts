import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '#kit';

/**
 * The subgraphs rover.yaml lists, in its order, which is the order `npm start` and the tests
 * start them: accounts first, since the others verify tokens against its JWKS.
 */
export function subgraphNames(root = projectRoot): string[] {
  const rover = parseYaml(readFileSync(join(root, 'rover.yaml'), 'utf8')) as { subgraphs?: Record<string, unknown> };
  return Object.keys(rover.subgraphs ?? {});
}

/**
 * Where one of a subgraph's source files is, by its name without extension (`module`, `errors`):
 * from the sources (tsx, vitest) the TypeScript file; in the image, the compiled JavaScript beside
 * this file's.
 */
export function subgraphSourceFile(name: string, file: string, root = projectRoot): string {
  const compiled = import.meta.url.endsWith('.js');
  return join(compiled ? join(root, 'dist') : root, 'subgraphs', name, 'src', `${file}.${compiled ? 'js' : 'ts'}`);
}
