import { z } from 'zod';
import { defineEvent, eventTime } from '#kit';
import { cylinderTypeSchema, ORDER_TOPIC, orderPartiesSchema } from '../../../orders/src/events/index.js';

/** A delivery belongs to its order: on orders' topic, keyed by the order, in order with its events. */
const delivery = { topic: ORDER_TOPIC, version: 1, producer: 'couriers', key: 'orderId' } as const;

export const CourierEvents = {
  offered: defineEvent({
    ...delivery,
    type: 'courier.offered',
    data: orderPartiesSchema.extend({
      courierId: z.uuid(),
      offerId: z.uuid(),
      distanceMeters: z.number().int().nonnegative(),
      /** Since stores (issue 17): the courier's ride to the store, and the store-to-customer leg; distanceMeters is their sum. */
      pickupDistanceMeters: z.number().int().nonnegative().optional(),
      dropOffDistanceMeters: z.number().int().nonnegative().optional(),
      expiresAt: eventTime,
    }),
  }),
  assigned: defineEvent({
    ...delivery,
    type: 'courier.assigned',
    data: orderPartiesSchema.extend({ courierId: z.uuid(), offerId: z.uuid(), assignedAt: eventTime }),
  }),
  /**
   * The delivery code exists: the customer can read it in the app (Order.deliveryCode). Since v2
   * the code itself never travels on the bus; it is the proof of handover, and only couriers
   * (which derives it) and the customer hold it.
   */
  deliveryCodeIssued: defineEvent({
    ...delivery,
    type: 'delivery.code_issued',
    version: 2,
    data: orderPartiesSchema.extend({ courierId: z.uuid(), issuedAt: eventTime }),
  }),
  pickedUp: defineEvent({
    ...delivery,
    type: 'courier.picked_up',
    data: orderPartiesSchema.extend({ courierId: z.uuid(), pickedUpAt: eventTime }),
  }),
  notFound: defineEvent({
    ...delivery,
    type: 'courier.not_found',
    data: orderPartiesSchema.extend({ offersMade: z.number().int().nonnegative(), searchedSince: eventTime, at: eventTime }),
  }),
  locationUpdated: defineEvent({
    ...delivery,
    type: 'courier.location.updated',
    data: orderPartiesSchema.extend({
      courierId: z.uuid(),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      recordedAt: eventTime,
    }),
  }),
  deliveryCompleted: defineEvent({
    ...delivery,
    type: 'delivery.completed',
    data: orderPartiesSchema.extend({
      courierId: z.uuid(),
      /** Since stores (issue 17): the empties collected at the door, per class (troca). */
      emptiesCollected: z.array(z.object({ cylinderType: cylinderTypeSchema, quantity: z.number().int().nonnegative() })).optional(),
      completedAt: eventTime,
    }),
  }),
} as const;
