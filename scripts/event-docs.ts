// Writes the event and topic tables of EVENTS.md from the contracts each subgraph module
// declares it produces; with --check, fails when EVENTS.md differs from them instead: a table
// row, or an event's heading (`### \`type\` (vN)`), that no longer matches its definition.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_TOPIC, eventRegistry, projectRoot, type EventDefinition } from '#kit';
import { subgraphModules } from '../platform/src/subgraph-modules.js';

const BEGIN = '<!-- event-contracts:begin (npm run events:docs writes this block from the definitions) -->';
const END = '<!-- event-contracts:end -->';
const path = join(projectRoot, 'EVENTS.md');

const registry = eventRegistry(subgraphModules.map((module) => module.produces));
const code = (text: string) => `\`${text}\``;

function eventRows(definitions: readonly EventDefinition[]): string[] {
  return [
    '| type | version | topic | producer | key (`subject`) |',
    '| --- | --- | --- | --- | --- |',
    ...definitions.map(
      (definition) =>
        `| ${code(definition.type)} | ${definition.version} | ${code(definition.topic)} | ${definition.producer} | ${code(definition.key)} |`,
    ),
  ];
}

function topicRows(definitions: readonly EventDefinition[]): string[] {
  const topics = [...new Set(definitions.map((definition) => definition.topic))];
  return [
    '| topic | producers | types |',
    '| --- | --- | --- |',
    ...topics.map((topic) => {
      const on = definitions.filter((definition) => definition.topic === topic);
      return `| ${code(topic)} | ${[...new Set(on.map((definition) => definition.producer))].join(', ')} | ${on.map((definition) => code(definition.type)).join(', ')} |`;
    }),
    `| ${code(DEAD_LETTER_TOPIC)} | the kit (every consumer) | what a consumer refused, with the reason in headers |`,
  ];
}

const block = [BEGIN, '', ...eventRows(registry.definitions), '', ...topicRows(registry.definitions), '', END].join('\n');

const current = readFileSync(path, 'utf8');
const begin = current.indexOf(BEGIN);
const end = current.indexOf(END);
if (begin < 0 || end < begin) {
  process.stderr.write(`EVENTS.md has no ${BEGIN} … ${END} block\n`);
  process.exit(1);
}
const expected = current.slice(0, begin) + block + current.slice(end + END.length);

/** Every `### \`type\` (vN)` heading, by type: the prose documenting each event names the version it describes. */
function headingProblems(text: string): string[] {
  const problems: string[] = [];
  const documented = new Map<string, number>();
  for (const [, types, version] of text.matchAll(/^### (.+) \(v(\d+)\)$/gmu)) {
    for (const [, type] of (types ?? '').matchAll(/`([^`]+)`/gu)) documented.set(type ?? '', Number(version));
  }
  for (const definition of registry.definitions) {
    const version = documented.get(definition.type);
    if (version === undefined)
      problems.push(`EVENTS.md documents no ${definition.type} (### \`${definition.type}\` (v${definition.version}))`);
    else if (version !== definition.version)
      problems.push(`EVENTS.md documents ${definition.type} as v${version}; its contract is v${definition.version}`);
  }
  for (const type of documented.keys()) {
    if (registry.definition(type) === undefined) problems.push(`EVENTS.md documents ${type}, which no subgraph module produces`);
  }
  return problems;
}

if (process.argv.includes('--check')) {
  const problems = headingProblems(current);
  if (current !== expected) problems.push('the event tables of EVENTS.md differ from the definitions: run npm run events:docs');
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`EVENTS.md matches the ${registry.definitions.length} event definitions\n`);
} else {
  writeFileSync(path, expected);
  const problems = headingProblems(expected);
  if (problems.length > 0) process.stderr.write(`${problems.join('\n')}\n`);
  process.stdout.write(`EVENTS.md: tables written from ${registry.definitions.length} event definitions\n`);
}
