import { z } from 'zod';
import { Topic } from './topics.js';

/**
 * Every event type: its topic, payload schema and version. Producers build
 * payloads that satisfy the schema; consumers validate against it before
 * handling, so a malformed payload goes to the dead-letter topic instead of
 * into a handler. EVENTS.md documents the same table for people.
 */
export interface EventDefinition<Schema extends z.ZodType> {
  type: string;
  topic: Topic;
  version: number;
  data: Schema;
}

const define = <Schema extends z.ZodType>(definition: EventDefinition<Schema>) => definition;

const role = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER', 'ADMIN']);
const userData = z.object({ userId: z.uuid(), roles: z.array(role), name: z.string() });

const productSnapshot = z.object({
  productId: z.uuid(),
  supplierId: z.uuid(),
  name: z.string(),
  cylinderType: z.string(),
  priceAmount: z.number().int(),
  currency: z.string().length(3),
  stockQuantity: z.number().int().nonnegative(),
  lowStockThreshold: z.number().int().nonnegative().nullable(),
  active: z.boolean(),
});

export const Events = {
  userCreated: define({ type: 'user.created', topic: Topic.USER, version: 1, data: userData }),
  userUpdated: define({
    type: 'user.updated',
    topic: Topic.USER,
    version: 1,
    data: userData.extend({ changed: z.array(z.enum(['name', 'email', 'phone', 'roles'])) }),
  }),
  userDeleted: define({ type: 'user.deleted', topic: Topic.USER, version: 1, data: z.object({ userId: z.uuid(), roles: z.array(role) }) }),
  productCreated: define({ type: 'product.created', topic: Topic.PRODUCT, version: 1, data: productSnapshot }),
  productUpdated: define({
    type: 'product.updated',
    topic: Topic.PRODUCT,
    version: 1,
    data: productSnapshot.extend({ changed: z.array(z.string()) }),
  }),
  productDeleted: define({
    type: 'product.deleted',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({ productId: z.uuid(), supplierId: z.uuid() }),
  }),
  inventoryUpdated: define({
    type: 'inventory.updated',
    topic: Topic.PRODUCT,
    version: 1,
    data: z.object({
      productId: z.uuid(),
      supplierId: z.uuid(),
      previousQuantity: z.number().int().nonnegative(),
      stockQuantity: z.number().int().nonnegative(),
      lowStockThreshold: z.number().int().nonnegative().nullable(),
      /** True when this change took stock from above the threshold to at or below it. */
      crossedLowThreshold: z.boolean(),
    }),
  }),
} as const;

export type EventData<Definition> = Definition extends EventDefinition<infer Schema> ? z.infer<Schema> : never;

const byType = new Map<string, EventDefinition<z.ZodType>>(Object.values(Events).map((definition) => [definition.type, definition]));

export function eventDefinition(type: string): EventDefinition<z.ZodType> | undefined {
  return byType.get(type);
}
