import type { EventContracts, EventDefinition } from './event-definition.js';
import { DEAD_LETTER_TOPIC } from './topics.js';

/**
 * The events a deployment knows, built from what its modules declare they
 * produce: the topics to create and the definition of each type.
 */
export interface EventRegistry {
  /** Every topic a declared event travels on, and the dead-letter topic, each once. */
  readonly topics: readonly string[];
  readonly definitions: readonly EventDefinition[];
  definition(type: string): EventDefinition | undefined;
}

export function eventRegistry(contracts: readonly EventContracts[]): EventRegistry {
  const byType = new Map<string, EventDefinition>();
  for (const definition of contracts.flatMap((published) => Object.values(published))) {
    const known = byType.get(definition.type);
    // The same definition may be published twice (accounts re-publishes the kit's access revocation).
    if (known !== undefined && known !== definition)
      throw new Error(`event type ${definition.type} is defined twice (by ${known.producer} and ${definition.producer})`);
    byType.set(definition.type, definition);
  }
  const definitions = [...byType.values()];
  return {
    topics: [...new Set([...definitions.map((definition) => definition.topic), DEAD_LETTER_TOPIC])],
    definitions,
    definition: (type) => byType.get(type),
  };
}
