import { z } from 'zod';

/**
 * One event contract: its type, the topic it travels on, its payload schema
 * and version. The producing domain declares it in its own `src/events/`
 * folder (EVENTS.md lists them all); producers build payloads that satisfy
 * the schema, and a consumer validates against it before handling, so a
 * malformed payload goes to the dead-letter topic instead of into a handler.
 */
export interface EventDefinition<Schema extends z.ZodType = z.ZodType> {
  type: string;
  topic: string;
  version: number;
  data: Schema;
  /** The producing subgraph; EVENTS.md's producer column. */
  producer: string;
  /** What the Kafka key (the envelope's `subject`) is, for EVENTS.md: e.g. `orderId`. */
  key: string;
}

export const defineEvent = <Schema extends z.ZodType>(definition: EventDefinition<Schema>) => definition;

/** A domain's published contracts, by name: what a SubgraphModule `produces`. */
export type EventContracts = Readonly<Record<string, EventDefinition>>;

export type EventData<Definition> = Definition extends EventDefinition<infer Schema> ? z.output<Schema> : never;

/** An ISO 8601 time with its offset, as every payload's times are written. */
export const eventTime = z.iso.datetime({ offset: true });
