// The gateway's subscription path, exported on purpose: server.ts wires these; the rest is internal.
export { attachSubscriptionServer, refuseSubscriptions, SubscriptionCloseCode, ACCESS_TOKEN_EXPIRED_REASON } from './websocket-server.js';
export type { SubscriptionServer, SubscriptionServerOptions } from './websocket-server.js';
export { startEventFanout } from './event-fanout.js';
export type { EventFanout, EnvelopeListener } from './event-fanout.js';
export { compileSubscriptionField, subscriptionRegistry, topicsOf } from './subscription-fields.js';
export type { SubscriptionField, SubscriptionFieldRegistry } from './subscription-fields.js';
export { prepareSubscription, ENTITY_ID_VARIABLE } from './payload-query.js';
export type { PreparedSubscription, PrepareResult, SubscriptionRequest } from './payload-query.js';
