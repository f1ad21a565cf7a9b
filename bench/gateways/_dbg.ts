import { startBenchSubgraphs } from './bench-subgraphs.js';
import { composeBenchSupergraph, expectedResponse, benchQuery } from './bench-supergraph.js';
import { writeFileSync } from 'node:fs';
const s = await startBenchSubgraphs();
writeFileSync('/tmp/i9-super.graphql', composeBenchSupergraph(s.urls));
writeFileSync('/tmp/i9-expected.json', expectedResponse().json);
writeFileSync('/tmp/i9-query.txt', benchQuery);
console.log('up', s.urls);
