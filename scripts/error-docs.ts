// Writes the table of domain error codes in docs/errors.md from the subgraphs' src/errors.ts
// (the source schema/error-codes.json is composed from); with --check, fails when the table
// differs from them instead.
//   npm run errors:docs             writes it
//   npm run errors:docs -- --check  fails when the committed table is stale (CI)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#kit';
import { ErrorCodeProblems, loadSubgraphErrorCodes, type DomainErrorCode } from '../platform/src/subgraph-error-codes.js';

const BEGIN = '<!-- domain-error-codes:begin (npm run errors:docs writes this block from subgraphs/*/src/errors.ts) -->';
const END = '<!-- domain-error-codes:end -->';
const path = join(projectRoot, 'docs', 'errors.md');

/** A description on one table row: Markdown tables end a cell at `|` and a row at a line break. */
const cell = (text: string) => text.replace(/\s+/gu, ' ').trim().replaceAll('|', '\\|');

/** By code point, the same on every machine. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function table(codes: readonly DomainErrorCode[]): string[] {
  if (codes.length === 0) return ['No subgraph defines a domain code yet.'];
  const byOwner = [...codes].sort((a, b) => byText(a.owner, b.owner) || byText(a.code, b.code));
  return [
    '| code | subgraph | HTTP | meaning, and what `extensions` carries to recover |',
    '| --- | --- | --- | --- |',
    ...byOwner.map(({ code, owner, status, description }) => `| \`${code}\` | ${owner} | ${status} | ${cell(description)} |`),
  ];
}

let codes: DomainErrorCode[];
try {
  codes = await loadSubgraphErrorCodes(projectRoot);
} catch (error) {
  if (!(error instanceof ErrorCodeProblems)) throw error;
  for (const problem of error.problems) process.stderr.write(`error code: ${problem}\n`);
  process.exit(1);
}

const current = readFileSync(path, 'utf8');
const begin = current.indexOf(BEGIN);
const end = current.indexOf(END);
if (begin < 0 || end < begin) {
  process.stderr.write(`docs/errors.md has no ${BEGIN} … ${END} block\n`);
  process.exit(1);
}
const expected = current.slice(0, begin) + [BEGIN, '', ...table(codes), '', END].join('\n') + current.slice(end + END.length);

if (process.argv.includes('--check')) {
  if (current !== expected) {
    process.stderr.write('the domain error codes in docs/errors.md differ from subgraphs/*/src/errors.ts: run npm run errors:docs\n');
    process.exit(1);
  }
  process.stdout.write(`docs/errors.md lists the ${codes.length} domain error codes\n`);
} else {
  writeFileSync(path, expected);
  process.stdout.write(`wrote the ${codes.length} domain error codes into docs/errors.md\n`);
}
