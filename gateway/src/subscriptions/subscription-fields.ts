import type { z } from 'zod';
import { hasRole, Role, type EventData, type EventDefinition, type EventEnvelope, type Viewer } from '#kit';
import { SubscribedEvents as Events } from './stopgap-event-contracts.js';

/**
 * How the gateway serves one root field of the supergraph's `Subscription`
 * type. The subgraphs only declare these fields (for composition and
 * introspection); @apollo/gateway cannot execute them, so the gateway turns
 * events from the bus into payloads itself: it picks the events, decides who
 * receives each, and loads the payload through an ordinary root Query field,
 * as the subscriber, so every subgraph's visibility rules still apply.
 */
export interface SubscriptionField {
  /** The bus topic the events arrive on. */
  readonly topic: string;
  /** Envelope types (`product.updated`) that may concern this field. */
  readonly eventTypes: readonly string[];
  /** Refuse the subscription to connections without a signed-in viewer. */
  readonly requiresViewer: boolean;
  /**
   * Whether this subscriber is told about this event at all. Runs for every
   * subscriber and event, before any subgraph is asked: keep it cheap.
   * `args` are the field's coerced arguments.
   */
  filter(envelope: EventEnvelope, args: Readonly<Record<string, unknown>>, viewer: Viewer | null): boolean;
  /** Root Query field that loads the payload by id, e.g. `product` for `product(id: ID!)`. */
  readonly entityField: string;
  /** The argument of `entityField` that takes the id. */
  readonly entityArgument: string;
  /** The id to load for an event that passed the filter. */
  entityId(envelope: EventEnvelope): string;
  /**
   * Whether this subscriber sees the entity exactly as an anonymous caller
   * does. Such subscribers share one anonymous load per event instead of one
   * load each (docs/subscriptions.md); the others, and everyone when the
   * anonymous load errs or finds nothing, are loaded as themselves.
   * Absent: every subscriber is loaded as themselves.
   */
  seesPublicView?(viewer: Viewer | null): boolean;
  /** Checked once, when a client subscribes (subscription-admission.ts). Absent: everyone signed in is admitted. */
  readonly admission?: SubscriptionAdmission;
}

/**
 * What a subscriber must be for the subscription to ever deliver anything.
 * Refusing at subscribe time tells a client why; admitting and then filtering
 * every event away would leave it waiting in silence.
 */
export interface SubscriptionAdmission {
  /** The viewer must hold one of these roles. */
  readonly roles?: readonly Role[];
  /**
   * A subscription about one entity named by an argument: when the argument is
   * given, the viewer must be able to read the entity through this root Query
   * field, asked as them, or the subscription is refused as the field refuses
   * them (NOT_FOUND for another customer's order).
   */
  readonly entity?: {
    /** The subscription's argument naming the entity, e.g. `orderId`. */
    readonly argument: string;
    /** The root Query field and its argument that read it, e.g. `order(id:)`. */
    readonly queryField: string;
    readonly queryArgument: string;
  };
}

export type SubscriptionFieldRegistry = Readonly<Record<string, SubscriptionField>>;

interface FieldSpec<Definition extends EventDefinition<z.ZodType>> {
  events: readonly [Definition, ...Definition[]];
  requiresViewer: boolean;
  filter(data: EventData<Definition>, args: Readonly<Record<string, unknown>>, viewer: Viewer | null): boolean;
  entityField: string;
  entityArgument?: string;
  entityId(data: EventData<Definition>): string;
  seesPublicView?(viewer: Viewer | null): boolean;
  admission?: SubscriptionAdmission;
}

/**
 * Builds a registry entry from catalogue definitions, so filters read typed
 * data. The event fanout has already validated `data` against the catalogue
 * schema of its type (it drops envelopes whose data does not match), which is
 * what makes the cast below safe.
 */
function field<Definition extends EventDefinition<z.ZodType>>(spec: FieldSpec<Definition>): SubscriptionField {
  const topics = new Set(spec.events.map((definition) => definition.topic));
  if (topics.size !== 1) throw new Error('a subscription field reads events of one topic');
  const eventTypes = spec.events.map((definition) => definition.type);
  const data = (envelope: EventEnvelope) => envelope.data as EventData<Definition>;
  return {
    topic: spec.events[0].topic,
    eventTypes,
    requiresViewer: spec.requiresViewer,
    // Other types share the topic (product.created, inventory.updated, …); their data has another shape.
    filter: (envelope, args, viewer) => eventTypes.includes(envelope.type) && spec.filter(data(envelope), args, viewer),
    entityField: spec.entityField,
    entityArgument: spec.entityArgument ?? 'id',
    entityId: (envelope) => spec.entityId(data(envelope)),
    ...(spec.seesPublicView ? { seesPublicView: spec.seesPublicView } : {}),
    ...(spec.admission ? { admission: spec.admission } : {}),
  };
}

type OrderEvent =
  | typeof Events.orderCreated
  | typeof Events.orderConfirmed
  | typeof Events.orderInTransit
  | typeof Events.orderDelivered
  | typeof Events.orderCancelled;
type PaymentEvent = typeof Events.paymentProcessed | typeof Events.paymentFailed | typeof Events.refundProcessed;
type AlertEvent = typeof Events.alertTriggered | typeof Events.alertEscalated | typeof Events.alertAcknowledged | typeof Events.alertResolved;

/** The order an `orderId` argument names, which its customer and supplier (and admins) can read. */
const orderNamedByOrderId = { argument: 'orderId', queryField: 'order', queryArgument: 'id' } as const;

/**
 * Every subscription the gateway serves. Adding one is one entry here plus
 * the field in its subgraph's schema.
 */
export const subscriptionFields: SubscriptionFieldRegistry = {
  productUpdated: field({
    events: [Events.productUpdated],
    // Anyone may ask; whether they see the product is decided by loading it as them.
    requiresViewer: false,
    filter: (data, args) => data.productId === args['productId'],
    entityField: 'product',
    entityId: (data) => data.productId,
    // Only a product's supplier and admins see more of it than anyone (inactive products, the
    // stock threshold, the supplier's own contact details): customers and couriers see the public
    // product, so thousands of them watching one product cost one load per change.
    seesPublicView: (viewer) => !hasRole(viewer, Role.SUPPLIER) && !hasRole(viewer, Role.ADMIN),
  }),
  inventoryLow: field({
    events: [Events.inventoryUpdated],
    requiresViewer: true,
    filter: (data, _args, viewer) => viewer !== null && data.supplierId === viewer.userId && data.crossedLowThreshold,
    entityField: 'product',
    entityId: (data) => data.productId,
    admission: { roles: [Role.SUPPLIER] },
  }),
  orderStatusChanged: field<OrderEvent>({
    events: [Events.orderCreated, Events.orderConfirmed, Events.orderInTransit, Events.orderDelivered, Events.orderCancelled],
    requiresViewer: true,
    // The order's customer and supplier hear of it; `orderId`, when given, narrows to one order.
    filter: (data, args, viewer) =>
      viewer !== null &&
      (data.customerId === viewer.userId || data.supplierId === viewer.userId) &&
      (args['orderId'] === undefined || args['orderId'] === null || args['orderId'] === data.orderId),
    entityField: 'order',
    entityId: (data) => data.orderId,
    admission: { entity: orderNamedByOrderId },
  }),
  paymentUpdated: field<PaymentEvent>({
    events: [Events.paymentProcessed, Events.paymentFailed, Events.refundProcessed],
    requiresViewer: true,
    // Only the payer: processed, failed, refunded.
    filter: (data, args, viewer) =>
      viewer !== null &&
      data.customerId === viewer.userId &&
      (args['orderId'] === undefined || args['orderId'] === null || args['orderId'] === data.orderId),
    entityField: 'payment',
    entityId: (data) => data.paymentId,
    // Payments reach the payer only: an order's supplier can read the order but would hear nothing.
    admission: { roles: [Role.CUSTOMER], entity: orderNamedByOrderId },
  }),
  courierLocation: field({
    events: [Events.courierLocationUpdated],
    requiresViewer: true,
    // The order's customer only; couriers answers NOT_FOUND to anybody else as well, and null
    // outside transit, so nothing reaches them either way.
    filter: (data, args, viewer) => viewer !== null && data.customerId === viewer.userId && args['orderId'] === data.orderId,
    entityField: 'courierLocation',
    entityArgument: 'orderId',
    entityId: (data) => data.orderId,
    // Positions reach the order's customer only. courierLocation(orderId:) is null while the order
    // is not in transit, and NOT_FOUND for anybody but its customer and admins.
    admission: { roles: [Role.CUSTOMER], entity: { argument: 'orderId', queryField: 'courierLocation', queryArgument: 'orderId' } },
  }),
  notificationReceived: field({
    events: [Events.notificationSent],
    requiresViewer: true,
    // In-app messages are "sent" when stored; the other channels are not the app's to show.
    filter: (data, _args, viewer) => viewer !== null && data.channel === 'IN_APP' && data.userId === viewer.userId,
    entityField: 'notification',
    entityId: (data) => data.notificationId,
  }),
  alertUpdated: field<AlertEvent>({
    events: [Events.alertTriggered, Events.alertEscalated, Events.alertAcknowledged, Events.alertResolved],
    requiresViewer: true,
    // Admins with a second factor, as for every alerts operation; alerts' own check runs again on loading.
    filter: (_data, _args, viewer) => hasRole(viewer, Role.ADMIN),
    entityField: 'alert',
    entityId: (data) => data.alertId,
    admission: { roles: [Role.ADMIN] },
  }),
};

/** The topics the registry reads, each once. */
export function topicsOf(registry: SubscriptionFieldRegistry): string[] {
  return [...new Set(Object.values(registry).map((entry) => entry.topic))];
}
