// Fails when the kit or the gateway names a domain: an event type, a topic or a
// subscription field that a subgraph owns. Those belong in the subgraph's folder
// (its events, its schema.graphql's @live declarations); the kit and the gateway
// read them from there. The names are collected from the subgraphs' sources and
// from the supergraph, then searched for as string literals and identifiers.
//   tsx scripts/check-domain-names.ts                     checks kit/src and gateway/src
//   tsx scripts/check-domain-names.ts gateway/src         checks only the folders given
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Kind, parse, valueFromASTUntyped } from 'graphql';
import { projectRoot, supergraphPath } from '#kit';

const checkedFolders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['kit/src', 'gateway/src'];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('generated'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Event types (`order.created`) and topics (`order.events`) the subgraphs' sources declare. */
function namesInSubgraphSources(): Set<string> {
  const names = new Set<string>();
  const declaration = /\b(?:type|topic)\s*:\s*'([a-z]+(?:\.[a-z_]+)+)'/g;
  for (const file of sourceFiles(join(projectRoot, 'subgraphs'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(declaration)) if (match[1] !== undefined) names.add(match[1]);
  }
  return names;
}

/** Subscription field names, and the topics and event types their @live declarations name. */
function namesInSupergraph(): Set<string> {
  const names = new Set<string>();
  for (const definition of parse(readFileSync(supergraphPath, 'utf8')).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value !== 'Subscription') continue;
    for (const field of definition.fields ?? []) {
      names.add(field.name.value);
      for (const directive of field.directives ?? []) {
        if (directive.name.value !== 'live') continue;
        for (const argument of directive.arguments ?? []) {
          if (argument.name.value !== 'topic' && argument.name.value !== 'events') continue;
          const value: unknown = valueFromASTUntyped(argument.value);
          for (const name of Array.isArray(value) ? value : [value]) if (typeof name === 'string') names.add(name);
        }
      }
    }
  }
  return names;
}

/** The text without comments, so prose may still explain by example; code may not name a domain. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, '')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const names = [...new Set([...namesInSubgraphSources(), ...namesInSupergraph()])].sort();
const patterns = names.map((name) => ({
  name,
  // Dotted names can only be string literals; camelCase ones also as identifiers (Events.orderCreated).
  pattern: name.includes('.') ? new RegExp(`['"\`]${escape(name)}['"\`]`) : new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`),
}));

/** The kit's catalogue objects name domains by member (Topic.PRODUCT, Events.orderCreated); the dead-letter topic is the bus's own. */
const catalogueMember = /(?<![\w$.])(?:Topic\.(?!DEAD_LETTER\b)[A-Z_]+|Events\.[a-z]\w*)/;

const findings: string[] = [];
for (const folder of checkedFolders) {
  for (const file of sourceFiles(join(projectRoot, folder))) {
    const lines = withoutComments(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, index) => {
      for (const { name, pattern } of patterns) {
        if (pattern.test(line)) findings.push(`${relative(projectRoot, file)}:${index + 1}: names ${name}`);
      }
      const member = catalogueMember.exec(line)?.[0];
      if (member !== undefined) findings.push(`${relative(projectRoot, file)}:${index + 1}: names ${member}`);
    });
  }
}
if (names.length === 0) {
  process.stderr.write('no domain names found in subgraphs/*/src or the supergraph: the collection itself is broken\n');
  process.exit(1);
}
if (findings.length > 0) {
  process.stderr.write(
    `${findings.join('\n')}\n${findings.length} domain name(s) in ${checkedFolders.join(' and ')}: declare them in the owning subgraph instead.\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `${checkedFolders.join(' and ')} name none of the ${names.length} event types, topics and subscription fields the subgraphs own\n`,
);
