import { z } from 'zod';
import { Topic, type EventDefinition } from '#kit';

/**
 * `courier.picked_up`: the assigned courier has the cylinders; orders moves the order to
 * IN_TRANSIT and publishes order.in_transit. Not yet in kit's catalogue (issue 7 proposes it
 * there); until then the schema is checked here when published, and by orders when consumed.
 */
export const courierPickedUp = {
  type: 'courier.picked_up',
  topic: Topic.ORDER,
  version: 1,
  data: z.object({ orderId: z.uuid(), customerId: z.uuid(), supplierId: z.uuid(), courierId: z.uuid(), pickedUpAt: z.iso.datetime({ offset: true }) }),
} satisfies EventDefinition<z.ZodType>;
