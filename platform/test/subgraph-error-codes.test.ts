import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '#kit';
import { ErrorCodeProblems, loadSubgraphErrorCodes } from '../src/subgraph-error-codes.js';

// Subgraph folders holding only an errors.ts, each with a mistake of its own but depot's.
const root = join(import.meta.dirname, 'fixtures', 'error-codes');

describe("the subgraphs' error codes", () => {
  it("are what each one's src/errors.ts defines, registered, under its name, sorted by code", async () => {
    const codes = await loadSubgraphErrorCodes(root, ['depot', 'without-errors-file']);
    expect(codes).toEqual([
      { code: 'FIXTURE_CYLINDER_TAKEN', owner: 'depot', status: 409, description: 'Another order took the cylinder.' },
      {
        code: 'FIXTURE_DEPOT_CLOSED',
        owner: 'depot',
        status: 422,
        description: 'The depot is closed; `extensions.nextOpensAt` says when it opens.',
      },
    ]);
    expect(isErrorCode('FIXTURE_DEPOT_CLOSED')).toBe(true);
    // Loading again (modules are imported once) finds the same codes.
    expect(await loadSubgraphErrorCodes(root, ['depot'])).toEqual(codes);
  });

  it("are refused, every problem at once, when a file defines codes under another name, none, or another subgraph's", async () => {
    const loading = loadSubgraphErrorCodes(root, ['depot', 'mislabelled', 'silent', 'clashing']);
    await expect(loading).rejects.toBeInstanceOf(ErrorCodeProblems);
    await expect(loading).rejects.toMatchObject({
      problems: [
        "subgraphs/mislabelled/src/errors.ts defines FIXTURE_MISLABELLED for 'depots'; define it with defineErrorCodes('mislabelled', …)",
        "subgraphs/silent/src/errors.ts defines no code: define them with defineErrorCodes('silent', …), or delete the file",
        'subgraphs/clashing/src/errors.ts: error code FIXTURE_DEPOT_CLOSED is already defined by depot',
      ],
    });
  });
});
