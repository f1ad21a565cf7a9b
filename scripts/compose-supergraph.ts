// Composes schema/supergraph.graphql from rover.yaml with @apollo/composition.
//   npm run compose            writes the file
//   npm run compose -- --check fails when the committed file is stale (CI)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { projectRoot, supergraphPath } from '#kit';

interface RoverConfig {
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

const config = parseYaml(readFileSync(join(projectRoot, 'rover.yaml'), 'utf8')) as RoverConfig;
const services = Object.entries(config.subgraphs).map(([name, subgraph]) => ({
  name,
  url: subgraph.routing_url,
  typeDefs: parse(readFileSync(join(projectRoot, subgraph.schema.file), 'utf8')),
}));
const result = composeServices(services);
if (result.errors !== undefined) {
  for (const error of result.errors) process.stderr.write(`composition error: ${error.message}\n`);
  process.exit(1);
}
for (const hint of result.hints ?? []) process.stderr.write(`composition hint: ${hint.definition.code}: ${hint.message}\n`);
const supergraph = `${result.supergraphSdl.trimEnd()}\n`;

if (process.argv.includes('--check')) {
  const committed = readFileSync(supergraphPath, 'utf8');
  if (committed !== supergraph) {
    process.stderr.write('schema/supergraph.graphql is stale: run `npm run compose` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema/supergraph.graphql is up to date\n');
} else {
  writeFileSync(supergraphPath, supergraph);
  process.stdout.write(`composed ${services.length} subgraphs into schema/supergraph.graphql\n`);
}
