// Composes the subgraphs in rover.yaml with @apollo/composition into
// schema/supergraph.graphql (the gateway's) and schema/api.graphql (the clients'), and lists
// the domain error codes of their src/errors.ts in schema/error-codes.json (the gateway's too).
//   npm run compose            writes the files
//   npm run compose -- --check fails when a committed file is stale (CI)
import { projectRoot } from '#kit';
import { ErrorCodeProblems, loadSubgraphErrorCodes } from '../platform/src/subgraph-error-codes.js';
import {
  composeSchemas,
  CompositionFailed,
  staleArtifacts,
  withErrorCodes,
  writeArtifacts,
  type ComposedSchemas,
} from './schema-artifacts.js';

let composed: ComposedSchemas;
try {
  composed = composeSchemas(projectRoot);
} catch (error) {
  if (!(error instanceof CompositionFailed)) throw error;
  for (const problem of error.problems) process.stderr.write(`composition error: ${problem}\n`);
  process.exit(1);
}
try {
  composed = withErrorCodes(composed, await loadSubgraphErrorCodes(projectRoot));
} catch (error) {
  if (!(error instanceof ErrorCodeProblems)) throw error;
  for (const problem of error.problems) process.stderr.write(`error code: ${problem}\n`);
  process.exit(1);
}
for (const hint of composed.hints) process.stderr.write(`composition hint: ${hint}\n`);
const files = [...composed.files.keys()].join(' and ');

if (process.argv.includes('--check')) {
  const stale = staleArtifacts(projectRoot, composed);
  if (stale.length > 0) {
    process.stderr.write(
      `${stale.join(' and ')} ${stale.length === 1 ? 'is' : 'are'} stale: run \`npm run compose\` and commit the result.\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${files} are up to date\n`);
} else {
  writeArtifacts(projectRoot, composed);
  process.stdout.write(`composed ${composed.subgraphs.length} subgraphs into ${files}\n`);
}
