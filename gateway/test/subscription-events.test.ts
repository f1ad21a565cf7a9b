import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { FormattedExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createEnvelope, createLogger, supergraphPath, type EventEnvelope, type Viewer } from '#kit';
import type { EnvelopeListener, EventFanout } from '../src/subscriptions/event-fanout.js';
import type { PreparedSubscription } from '../src/subscriptions/payload-query.js';
import { SubscriptionEvents } from '../src/subscriptions/subscription-events.js';
import { readDeclarations } from '../src/declarations/supergraph-declarations.js';
import { subscriptionRegistry, topicsOf } from '../src/subscriptions/subscription-fields.js';

const logger = createLogger({ service: 'gateway', level: 'silent' });
/** The registry the gateway builds from the committed supergraph's @live declarations. */
const subscriptionFields = subscriptionRegistry(readDeclarations(readFileSync(supergraphPath, 'utf8')).live, logger);

/** An in-process fanout: what the bus would hand the gateway, delivered by hand. */
class HandFanout implements EventFanout {
  readonly groupId = 'gateway-test';
  readonly listeners = new Set<EnvelopeListener>();
  listen(_topic: string, listener: EnvelopeListener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  deliver(envelope: EventEnvelope) {
    for (const listener of this.listeners) listener(envelope);
  }
  async stop() {}
}

const viewer = (userId: string = randomUUID()): Viewer => ({
  userId,
  roles: ['SUPPLIER'],
  tokenId: randomUUID(),
  issuedAt: 0,
  expiresAt: Date.now() / 1000 + 900,
  mfaAuthenticatedAt: null,
  verified: true,
});

function envelope(type: string, data: Record<string, unknown>): EventEnvelope {
  return createEnvelope({
    type,
    source: 'products',
    subject: String(data['productId']),
    schemaVersion: 1,
    correlationId: 'test-correlation',
    data,
  });
}

const updated = (productId: string, supplierId: string = randomUUID()) =>
  envelope('product.updated', { productId, supplierId, changed: ['priceAmount'] });
const inventory = (productId: string, supplierId: string, crossedLowThreshold: boolean) =>
  envelope('inventory.updated', {
    productId,
    supplierId,
    previousQuantity: 5,
    stockQuantity: 1,
    lowStockThreshold: 2,
    crossedLowThreshold,
  });

function prepared(fieldName: 'productUpdated' | 'inventoryLow', args: Record<string, unknown> = {}): PreparedSubscription {
  const field = subscriptionFields[fieldName]!;
  return {
    document: { kind: 'Document' as never, definitions: [] },
    fieldName,
    responseKey: fieldName,
    field,
    args,
    payloadQuery: '',
    variables: {},
  };
}

describe('the subscription registry', () => {
  it('reads each topic its fields need, once', () => {
    expect(topicsOf(subscriptionFields).sort()).toEqual([
      'alert.events',
      'notification.events',
      'order.events',
      'payment.events',
      'product.events',
    ]);
  });

  it('alertUpdated tells admins signed in with a second factor about every alert event, and nobody else', () => {
    const field = subscriptionFields['alertUpdated']!;
    const alertId = randomUUID();
    const triggered = createEnvelope({
      type: 'alert.triggered',
      source: 'alerts',
      subject: alertId,
      schemaVersion: 1,
      correlationId: 'test-correlation',
      data: {
        alertId,
        ruleId: randomUUID(),
        ruleName: 'Pagamentos',
        severity: 'CRITICAL',
        summary: 's',
        triggeredAt: new Date().toISOString(),
      },
    });
    const admin = { ...viewer(), roles: ['ADMIN' as const], mfaAuthenticatedAt: Math.floor(Date.now() / 1000) };
    const passwordOnlyAdmin = { ...admin, mfaAuthenticatedAt: null };
    expect(field.filter(triggered, {}, admin)).toBe(true);
    expect(field.filter(triggered, {}, passwordOnlyAdmin)).toBe(false);
    expect(field.filter(triggered, {}, viewer())).toBe(false);
    expect(field.entityField).toBe('alert');
    expect(field.entityId(triggered)).toBe(alertId);
    expect(field.eventTypes).toEqual(['alert.triggered', 'alert.escalated', 'alert.acknowledged', 'alert.resolved']);
  });

  it('orderStatusChanged tells the order’s customer and supplier, narrowed to one order when asked', () => {
    const field = subscriptionFields['orderStatusChanged']!;
    const [customer, supplier, stranger] = [viewer(), viewer(), viewer()];
    const orderId = randomUUID();
    const confirmed = createEnvelope({
      type: 'order.confirmed',
      source: 'orders',
      subject: orderId,
      schemaVersion: 1,
      correlationId: 'c',
      data: { orderId, customerId: customer.userId, supplierId: supplier.userId },
    });
    expect(field.filter(confirmed, {}, customer)).toBe(true);
    expect(field.filter(confirmed, { orderId }, supplier)).toBe(true);
    expect(field.filter(confirmed, { orderId: randomUUID() }, customer)).toBe(false);
    expect(field.filter(confirmed, {}, stranger)).toBe(false);
    expect(field.filter(confirmed, {}, null)).toBe(false);
    expect(field.entityField).toBe('order');
    expect(field.entityId(confirmed)).toBe(orderId);
  });

  it('courierLocation tells only the order’s customer, about that order, and loads the position by order', () => {
    const field = subscriptionFields['courierLocation']!;
    const [customer, supplier, courier] = [viewer(), viewer(), viewer()];
    const orderId = randomUUID();
    const moved = createEnvelope({
      type: 'courier.location.updated',
      source: 'couriers',
      subject: orderId,
      schemaVersion: 1,
      correlationId: 'c',
      data: {
        orderId,
        customerId: customer.userId,
        supplierId: supplier.userId,
        courierId: courier.userId,
        latitude: -23.5,
        longitude: -46.6,
        recordedAt: new Date().toISOString(),
      },
    });
    expect(field.filter(moved, { orderId }, customer)).toBe(true);
    expect(field.filter(moved, { orderId: randomUUID() }, customer)).toBe(false);
    expect(field.filter(moved, { orderId }, supplier)).toBe(false);
    expect(field.filter(moved, { orderId }, courier)).toBe(false);
    expect(field.filter(moved, { orderId }, null)).toBe(false);
    expect([field.entityField, field.entityArgument, field.entityId(moved)]).toEqual(['courierLocation', 'orderId', orderId]);
  });

  it('notificationReceived tells the recipient of in-app notifications only', () => {
    const field = subscriptionFields['notificationReceived']!;
    const [recipient, other] = [viewer(), viewer()];
    const notificationId = randomUUID();
    const sent = (channel: string) =>
      createEnvelope({
        type: 'notification.sent',
        source: 'notifications',
        subject: recipient.userId,
        schemaVersion: 1,
        correlationId: 'c',
        data: { notificationId, userId: recipient.userId, channel, category: 'ORDER', sentAt: new Date().toISOString() },
      });
    expect(field.filter(sent('IN_APP'), {}, recipient)).toBe(true);
    expect(field.filter(sent('EMAIL'), {}, recipient)).toBe(false);
    expect(field.filter(sent('IN_APP'), {}, other)).toBe(false);
    expect([field.entityField, field.entityId(sent('IN_APP'))]).toEqual(['notification', notificationId]);
  });

  it('paymentUpdated tells only the payer, about processed, failed and refunded payments', () => {
    const field = subscriptionFields['paymentUpdated']!;
    const payer = viewer();
    const [orderId, paymentId] = [randomUUID(), randomUUID()];
    const of = (type: string) =>
      createEnvelope({
        type,
        source: 'payments',
        subject: orderId,
        schemaVersion: 1,
        correlationId: 'c',
        data: { orderId, paymentId, customerId: payer.userId },
      });
    for (const type of ['payment.processed', 'payment.failed', 'refund.processed']) {
      expect(field.filter(of(type), { orderId }, payer), type).toBe(true);
      expect(field.filter(of(type), {}, viewer()), type).toBe(false);
    }
    expect(field.filter(of('payment.opened'), {}, payer)).toBe(false);
    expect(field.entityField).toBe('payment');
    expect(field.entityId(of('refund.processed'))).toBe(paymentId);
  });

  it('productUpdated matches product.updated events of the product asked for, and nothing else', () => {
    const field = subscriptionFields['productUpdated']!;
    const productId = randomUUID();
    expect(field.filter(updated(productId), { productId }, null)).toBe(true);
    expect(field.filter(updated(randomUUID()), { productId }, null)).toBe(false);
    expect(field.filter(inventory(productId, randomUUID(), true), { productId }, null)).toBe(false);
    expect(field.entityId(updated(productId))).toBe(productId);
  });

  it('inventoryLow matches only the viewer’s own products that just crossed the threshold', () => {
    const field = subscriptionFields['inventoryLow']!;
    const supplier = viewer();
    const productId = randomUUID();
    expect(field.requiresViewer).toBe(true);
    expect(field.filter(inventory(productId, supplier.userId, true), {}, supplier)).toBe(true);
    expect(field.filter(inventory(productId, supplier.userId, false), {}, supplier)).toBe(false);
    expect(field.filter(inventory(productId, randomUUID(), true), {}, supplier)).toBe(false);
    expect(field.filter(inventory(productId, supplier.userId, true), {}, null)).toBe(false);
    expect(field.filter(updated(productId, supplier.userId), {}, supplier)).toBe(false);
  });
});

describe('a subscription’s event stream', () => {
  it('loads one payload per matching event, skipping those the loader finds invisible', async () => {
    const fanout = new HandFanout();
    const productId = randomUUID();
    let visible = false;
    const loads: string[] = [];
    const events = new SubscriptionEvents({
      fanout,
      subscription: prepared('productUpdated', { productId }),
      viewer: null,
      logger,
      load: async (entityId, event): Promise<FormattedExecutionResult | null> => {
        loads.push(event.id);
        return visible ? { data: { productUpdated: { id: entityId } } } : null;
      },
    });
    const next = events.next();
    fanout.deliver(updated(randomUUID())); // another product: not even loaded
    fanout.deliver(updated(productId)); // loaded, but invisible to this subscriber
    await delay(10);
    visible = true;
    fanout.deliver(updated(productId));
    expect(await next).toEqual({ done: false, value: { data: { productUpdated: { id: productId } } } });
    expect(loads).toHaveLength(2);
    await events.return();
  });

  it('coalesces events for an entity already waiting to be loaded: the fresh load covers them all', async () => {
    const fanout = new HandFanout();
    const productId = randomUUID();
    let loads = 0;
    const events = new SubscriptionEvents({
      fanout,
      subscription: prepared('productUpdated', { productId }),
      viewer: null,
      logger,
      load: async () => ({ data: { productUpdated: { load: ++loads } } }),
    });
    for (let count = 0; count < 5; count += 1) fanout.deliver(updated(productId));
    expect(await events.next()).toEqual({ done: false, value: { data: { productUpdated: { load: 1 } } } });
    const pending = events.next();
    await delay(20);
    expect(loads).toBe(1);
    fanout.deliver(updated(productId));
    expect(await pending).toEqual({ done: false, value: { data: { productUpdated: { load: 2 } } } });
    await events.return();
  });

  it('ends at once when returned while waiting, stops listening, and reports its end once', async () => {
    const fanout = new HandFanout();
    let ended = 0;
    const events = new SubscriptionEvents({
      fanout,
      subscription: prepared('inventoryLow'),
      viewer: viewer(),
      logger,
      load: async () => ({ data: {} }),
      onEnd: () => {
        ended += 1;
      },
    });
    expect(fanout.listeners.size).toBe(1);
    const waiting = events.next();
    await events.return();
    await events.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(fanout.listeners.size).toBe(0);
    expect(ended).toBe(1);
  });

  it('drops events of new entities beyond the pending limit, keeping those already queued', async () => {
    const fanout = new HandFanout();
    const supplier = viewer();
    const loaded: string[] = [];
    const events = new SubscriptionEvents({
      fanout,
      subscription: prepared('inventoryLow'),
      viewer: supplier,
      logger,
      maxPending: 2,
      load: async (entityId) => {
        loaded.push(entityId);
        return { data: { inventoryLow: { id: entityId } } };
      },
    });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) fanout.deliver(inventory(id, supplier.userId, true));
    await events.next();
    await events.next();
    const third = events.next();
    await delay(20);
    expect(loaded).toEqual(ids.slice(0, 2));
    await events.return();
    expect(await third).toEqual({ done: true, value: undefined });
  });

  it('ends, stops listening and reports its end when a load fails unexpectedly', async () => {
    const fanout = new HandFanout();
    const productId = randomUUID();
    let ended = 0;
    const events = new SubscriptionEvents({
      fanout,
      subscription: prepared('productUpdated', { productId }),
      viewer: null,
      logger,
      load: async () => {
        throw new Error('planner exploded');
      },
      onEnd: () => {
        ended += 1;
      },
    });
    fanout.deliver(updated(productId));
    await expect(events.next()).rejects.toThrow('planner exploded');
    expect(fanout.listeners.size).toBe(0);
    expect(ended).toBe(1);
  });
});
