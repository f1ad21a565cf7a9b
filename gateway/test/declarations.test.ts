import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEnvelope, createLogger, supergraphPath } from '#kit';
import { DeclarationProblems, readDeclarations } from '../src/declarations/supergraph-declarations.js';
import { compileSubscriptionField } from '../src/subscriptions/subscription-fields.js';
import { capturedLogger } from '../../test/support/captured-logger.js';

const supergraph = readFileSync(supergraphPath, 'utf8');

/** The committed supergraph with one declaration's text replaced. */
function problemsOf(from: string, to: string): readonly string[] {
  expect(supergraph).toContain(from);
  try {
    readDeclarations(supergraph.replace(from, to));
  } catch (error) {
    if (error instanceof DeclarationProblems) return error.problems;
    throw error;
  }
  return [];
}

describe('the declarations the gateway reads from the supergraph', () => {
  it('reads every @live field, @forward route and @invalidatesCache topic the subgraphs declared', () => {
    const declarations = readDeclarations(supergraph);
    expect([...declarations.live.keys()].sort()).toEqual([
      'alertUpdated',
      'courierLocation',
      'inventoryLow',
      'notificationReceived',
      'orderAwaitingAcceptance',
      'orderStatusChanged',
      'paymentUpdated',
      'productUpdated',
    ]);
    expect(declarations.routes.map((route) => `${route.method} ${route.path} -> ${route.subgraph}`).sort()).toEqual([
      'GET /documents -> verification',
      'GET /reports -> analytics',
      'PUT /uploads -> verification',
    ]);
    expect(declarations.routes.find((route) => route.path === '/uploads')).toMatchObject({ streamBody: true, timeoutMs: 120_000 });
    expect([...declarations.cacheInvalidatingTopics].sort()).toEqual(['product.events', 'store.events']);
    expect(declarations.subgraphUrls.get('verification')).toMatch(/^http:\/\/.+\/graphql$/);
  });

  it('takes an optional argument from its nullable type and a required one from its non-null type', () => {
    const { live } = readDeclarations(supergraph);
    expect(live.get('orderStatusChanged')?.argumentMatches).toEqual([{ argument: 'orderId', path: 'orderId', optional: true }]);
    expect(live.get('courierLocation')?.argumentMatches).toEqual([{ argument: 'orderId', path: 'orderId', optional: false }]);
  });

  it('fails loudly, naming the field, on an unknown query field, argument or role', () => {
    expect(problemsOf('load: "alert(id: alertId)"', 'load: "alerts(id: alertId)"')).toEqual([
      '@live on Subscription.alertUpdated: load names argument id of Query.alerts, which has only (status, first, after)',
    ]);
    expect(problemsOf('load: "alert(id: alertId)"', 'load: "alertz(id: alertId)"')).toEqual([
      '@live on Subscription.alertUpdated: load names Query.alertz, which the API schema does not have',
    ]);
    expect(problemsOf('recipientRoles: ["ADMIN"]', 'recipientRoles: ["ROOT"]')).toEqual([
      '@live on Subscription.alertUpdated: unknown role "ROOT"',
    ]);
    expect(
      problemsOf(
        'where: ["$orderId == orderId"], admitIfReadable: "order(id: $orderId)"',
        'where: ["$order == orderId"], admitIfReadable: "order(id: $orderId)"',
      ),
    ).toEqual(['@live on Subscription.orderStatusChanged: where "$order == orderId" names no argument of orderStatusChanged']);
  });

  it('refuses a route to a subgraph the supergraph does not have', () => {
    expect(problemsOf('@forward(subgraph: "analytics"', '@forward(subgraph: "analytic"')).toEqual([
      '@forward GET /reports: subgraph "analytic" is not in the supergraph',
    ]);
  });
});

describe('a compiled subscription field', () => {
  it('drops an event whose declared id path holds no string, logging once, without throwing', () => {
    const { logger, lines } = capturedLogger();
    const declaration = readDeclarations(supergraph).live.get('productUpdated');
    if (declaration === undefined) throw new Error('productUpdated is not declared');
    const field = compileSubscriptionField(declaration, logger);
    const event = (data: unknown) =>
      createEnvelope({ type: 'product.updated', source: 'products', subject: 's', schemaVersion: 1, correlationId: 'c', data });
    const productId = randomUUID();
    expect(field.entityId(event({ productId }))).toBe(productId);
    for (const data of [{}, { productId: 42 }, null, 'text', { productId: '' }]) {
      expect(field.filter(event(data), { productId }, null)).toBe(false);
      expect(field.entityId(event(data))).toBeUndefined();
    }
    expect(lines.filter((line) => String(line['message']).startsWith('event data holds no string id'))).toHaveLength(1);
  });

  it('reads a dotted payload path', () => {
    const declaration = readDeclarations(supergraph).live.get('inventoryLow');
    if (declaration === undefined) throw new Error('inventoryLow is not declared');
    const field = compileSubscriptionField(
      { ...declaration, recipients: ['owner.id'] },
      createLogger({ service: 'gateway', level: 'silent' }),
    );
    const supplierId = randomUUID();
    const viewer = {
      userId: supplierId,
      roles: ['SUPPLIER' as const],
      tokenId: 't',
      issuedAt: 0,
      expiresAt: 0,
      mfaAuthenticatedAt: null,
      verified: true,
    };
    const event = createEnvelope({
      type: 'inventory.updated',
      source: 'products',
      subject: 's',
      schemaVersion: 1,
      correlationId: 'c',
      data: { productId: randomUUID(), owner: { id: supplierId }, crossedLowThreshold: true },
    });
    expect(field.filter(event, {}, viewer)).toBe(true);
    expect(field.filter(event, {}, { ...viewer, userId: randomUUID() })).toBe(false);
  });
});
