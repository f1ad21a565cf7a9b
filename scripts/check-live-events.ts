// The gateway reads a subscription's events by the names its @live declaration gives (a topic,
// event types, payload paths) and cannot know a typo from a rare event: this check holds every
// declaration against the producers' contracts. Each event type must exist on the declared topic,
// and every payload path the declaration reads (the entity id, recipients, conditions, argument
// matches) must be a field of each of those events' payload schemas.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { eventRegistry, supergraphPath, type EventDefinition } from '#kit';
import { readDeclarations, type LiveDeclaration } from '../gateway/src/declarations/supergraph-declarations.js';
import { subgraphModules } from '../platform/src/subgraph-modules.js';

const definitions = new Map<string, EventDefinition>(
  eventRegistry(subgraphModules.map((module) => module.produces)).definitions.map((definition) => [definition.type, definition]),
);

/** Whether `path` (dotted) names a field of the payload schema, through nested objects. */
function hasPath(schema: z.ZodType, path: string): boolean {
  let current: z.ZodType = schema;
  for (const segment of path.split('.')) {
    while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    if (!(current instanceof z.ZodObject)) return false;
    const next = (current.shape as Record<string, z.ZodType | undefined>)[segment];
    if (next === undefined) return false;
    current = next;
  }
  return true;
}

function pathsRead(declaration: LiveDeclaration): string[] {
  return [
    declaration.entity.idPath,
    ...declaration.recipients,
    ...declaration.conditions.map((condition) => condition.path),
    ...declaration.argumentMatches.map((match) => match.path),
  ];
}

const problems: string[] = [];
const { live } = readDeclarations(readFileSync(supergraphPath, 'utf8'));
for (const declaration of live.values()) {
  for (const type of declaration.events) {
    const definition = definitions.get(type);
    if (definition === undefined) {
      problems.push(`Subscription.${declaration.fieldName}: no subgraph produces the event ${type}`);
      continue;
    }
    if (definition.topic !== declaration.topic) {
      problems.push(`Subscription.${declaration.fieldName}: ${type} travels on ${definition.topic}, not ${declaration.topic}`);
    }
    for (const path of pathsRead(declaration)) {
      if (!hasPath(definition.data, path)) problems.push(`Subscription.${declaration.fieldName}: ${type} has no payload field ${path}`);
    }
  }
}

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n${problems.length} @live declaration problem(s): fix the subgraph's schema.graphql.\n`);
  process.exit(1);
}
process.stdout.write(`every @live declaration (${live.size}) names events their producers declare, and payload fields they carry\n`);
