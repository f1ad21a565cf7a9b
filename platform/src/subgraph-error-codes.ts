import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { projectRoot, registeredErrorCodes } from '#kit';
import { subgraphNames, subgraphSourceFile } from './subgraph-sources.js';

/** A domain error code as the gateway (schema/error-codes.json) and docs/errors.md list it. */
export interface DomainErrorCode {
  code: string;
  /** The subgraph that defined it, and the only one that may raise it. */
  owner: string;
  status: number;
  description: string;
}

export class ErrorCodeProblems extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the subgraphs' error codes are wrong:\n${problems.join('\n')}`);
  }
}

const registered = (): DomainErrorCode[] =>
  [...registeredErrorCodes()].map(([code, { owner, status, description }]) => ({ code, owner, status, description }));

/**
 * Imports each subgraph's `src/errors.ts`, where it defines its refusals with `defineErrorCodes`
 * (which registers them in this process), and returns the codes they define, sorted by code.
 * A subgraph without the file has no codes of its own. The file must define its codes under its
 * folder's name, and at least one: a code under another owner would be documented and routed as
 * someone else's.
 */
export async function loadSubgraphErrorCodes(
  root = projectRoot,
  names: readonly string[] = subgraphNames(root),
): Promise<DomainErrorCode[]> {
  const problems: string[] = [];
  // One at a time: what each import adds to the registry is that file's.
  for (const name of names) {
    const file = subgraphSourceFile(name, 'errors', root);
    if (!existsSync(file)) continue;
    const before = new Set(registeredErrorCodes().keys());
    try {
      await import(/* @vite-ignore */ pathToFileURL(file).href);
    } catch (error) {
      // The kit refuses a code it owns, one another subgraph defined, or a status that is not 4xx.
      problems.push(`subgraphs/${name}/src/errors.ts: ${(error as Error).message}`);
      continue;
    }
    const added = registered().filter(({ code }) => !before.has(code));
    for (const { code, owner } of added.filter(({ owner }) => owner !== name))
      problems.push(`subgraphs/${name}/src/errors.ts defines ${code} for '${owner}'; define it with defineErrorCodes('${name}', …)`);
    if (added.length === 0 && !registered().some(({ owner }) => owner === name))
      problems.push(`subgraphs/${name}/src/errors.ts defines no code: define them with defineErrorCodes('${name}', …), or delete the file`);
  }
  if (problems.length > 0) throw new ErrorCodeProblems(problems);
  return registered()
    .filter(({ owner }) => names.includes(owner))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
