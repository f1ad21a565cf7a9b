import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type PrismaLike,
  type ScheduledJob,
  type StartedSubgraph,
} from '#kit';
import type { z } from 'zod';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { connectAs, liveFeed } from '../support/live-updates.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { ALERT_TOPIC } from '../../subgraphs/alerts/src/events/index.js';
import { CourierEvents } from '../../subgraphs/couriers/src/events/index.js';
import { ORDER_TOPIC, OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { PAYMENT_TOPIC, PaymentEvents } from '../../subgraphs/payments/src/events/index.js';
import { ProductEvents } from '../../subgraphs/products/src/events/index.js';

let test: TestPlatform;
let admin: SignedInUser;
let secondLevel: SignedInUser;
let probe: EventProbe;
let live: Client;

const alerts = () => test.platform.subgraphs.get('alerts') as StartedSubgraph<PrismaLike>;
const sql = (text: string, values: unknown[] = []) => alerts().database.pool.query(text, values);
const job = (name: string) => (alerts().assembled.jobs ?? []).find((candidate: ScheduledJob) => candidate.name === name)!;
const observations = () => alerts().consumers.find((consumer) => consumer.name === 'alerts.observations')!;

/** Events of one type for one rule written to alerts' outbox: what will be published, counted without waiting on the relay. */
async function outboxCount(type: string, ruleId: string): Promise<number> {
  const { rows } = await sql(
    `select count(*)::int as n from outbox_events where envelope->>'type' = $1 and envelope->'data'->>'ruleId' = $2`,
    [type, ruleId],
  );
  return rows[0].n;
}

const ruleFields =
  'id name kind threshold clearThreshold windowMinutes enabled severity escalationPolicy { id levels { level acknowledgeWithinMinutes recipients { id } } }';
const alertFields =
  'id status severity summary key escalationLevel nextEscalationAt triggerValue lastValue resolvedBy { id } acknowledgedBy { id } rule { id name }';

async function createRule(input: Record<string, unknown>, as: SignedInUser = admin) {
  return test.query<{ createAlertRule: any }>(
    `mutation ($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { ${ruleFields} } }`,
    {
      token: as.accessToken,
      variables: { input },
    },
  );
}

async function ruleId(input: Record<string, unknown>): Promise<string> {
  const result = await createRule(input);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.createAlertRule.id;
}

async function alertsOf(rule: string): Promise<any[]> {
  const result = await test.query<{ alerts: any }>(`{ alerts(first: 100) { nodes { ${alertFields} } } }`, { token: admin.accessToken });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.alerts.nodes.filter((alert: any) => alert.rule.id === rule);
}

const parties = () => ({ orderId: randomUUID(), customerId: randomUUID(), supplierId: randomUUID() });

beforeAll(async () => {
  test = await startTestPlatform({ ALERTS_EVALUATION_INTERVAL_MS: '200', ALERTS_MINIMUM_PAYMENTS: '10' });
  probe = await probeEvents(test.platform.eventBus, [ALERT_TOPIC]);
  admin = await createAdmin(test);
  secondLevel = await createAdmin(test);
  await heardOfAdmins([admin.id, secondLevel.id]);
  live = connectAs(test, admin.accessToken);
}, 120_000);

/** Alerts learns roles from user events: waits until it has heard whether each of these users is an admin. */
async function heardOfAdmins(userIds: string[], admin = true): Promise<void> {
  await eventually(
    async () => {
      const { rows } = await sql('select count(*)::int as n from admin_roles where user_id = any($1::uuid[]) and admin = $2', [
        userIds,
        admin,
      ]);
      return rows[0].n === userIds.length ? true : undefined;
    },
    30_000,
    `alerts heard that ${userIds.join(', ')} ${admin ? 'are' : 'are not'} admins`,
  );
}

afterAll(async () => {
  await live?.dispose();
  await probe?.stop();
  await test?.stop();
}, 180_000);

describe('alert rules', () => {
  it('refuse a rule with an invalid window or threshold, naming every field', async () => {
    const result = await createRule({ name: 'Pagamentos falhando', kind: 'PAYMENT_FAILURE_RATE', threshold: 150, windowMinutes: 0 });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.['fields']).toEqual([
      { field: 'input.windowMinutes', message: 'must be a whole number of minutes from 1 to 1440' },
      { field: 'input.threshold', message: 'must be a percentage above 0 and at most 100' },
    ]);
  });

  it('are listed and changed by admins only', async () => {
    const id = await ruleId({ name: 'Sem entregador', kind: 'COURIER_NOT_FOUND', threshold: 50, windowMinutes: 30, enabled: false });
    const changed = await test.query<{ updateAlertRule: any }>(
      `mutation ($id: ID!) { updateAlertRule(id: $id, input: { threshold: 40, windowMinutes: 20 }) { ${ruleFields} } }`,
      {
        token: admin.accessToken,
        variables: { id },
      },
    );
    expect(changed.data!.updateAlertRule).toMatchObject({ threshold: 40, clearThreshold: 20, windowMinutes: 20, enabled: false });
    const listed = await test.query<{ alertRules: any[] }>('{ alertRules { id threshold } }', { token: admin.accessToken });
    expect(listed.data!.alertRules).toContainEqual({ id, threshold: 40 });
    const supplier = await registerUser(test, 'SUPPLIER');
    const refused = await createRule({ name: 'x', kind: 'DEAD_LETTERS', threshold: 1, windowMinutes: 5 }, supplier);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('who receives alerts', () => {
  const createPolicy = (levels: Array<{ recipientUserIds: string[]; acknowledgeWithinMinutes: number }>) =>
    test.query<{ createEscalationPolicy: { id: string } }>(
      `mutation ($input: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $input) { id } }`,
      { token: admin.accessToken, variables: { input: { name: 'Plantão restrito', levels } } },
    );

  it('refuses a policy naming anyone but admins, with BAD_USER_INPUT naming each such user', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const supplier = await registerUser(test, 'SUPPLIER');
    await eventually(
      async () => {
        const { rows } = await sql('select count(*)::int as n from admin_roles where user_id = any($1::uuid[])', [
          [customer.id, supplier.id],
        ]);
        return rows[0].n === 2 ? true : undefined;
      },
      30_000,
      'alerts heard of the customer and the supplier',
    );
    const stranger = randomUUID();
    const refused = await createPolicy([
      { recipientUserIds: [admin.id, customer.id], acknowledgeWithinMinutes: 5 },
      { recipientUserIds: [supplier.id, stranger], acknowledgeWithinMinutes: 5 },
    ]);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.['fields']).toEqual([
      { field: 'input.levels.0.recipientUserIds', message: expect.stringContaining(customer.id) },
      { field: 'input.levels.1.recipientUserIds', message: expect.stringContaining(supplier.id) },
      { field: 'input.levels.1.recipientUserIds', message: expect.stringContaining(stranger) },
    ]);
    const policies = await test.query<{ escalationPolicies: Array<{ name: string }> }>('{ escalationPolicies { name } }', {
      token: admin.accessToken,
    });
    expect(policies.data!.escalationPolicies.map((policy) => policy.name)).not.toContain('Plantão restrito');
  });

  it('skips a recipient who stopped being an admin after the policy was saved', async () => {
    const leaving = await createAdmin(test);
    await heardOfAdmins([leaving.id]);
    const policy = await createPolicy([{ recipientUserIds: [admin.id, leaving.id], acknowledgeWithinMinutes: 5 }]);
    expect(policy.errors).toBeUndefined();
    const demoted = await test.query(`mutation ($id: ID!) { setUserRoles(userId: $id, roles: [CUSTOMER]) { id roles } }`, {
      token: admin.accessToken,
      variables: { id: leaving.id },
    });
    expect(demoted.errors).toBeUndefined();
    await heardOfAdmins([leaving.id], false);

    const rule = await ruleId({
      name: 'Entregador sumido',
      kind: 'COURIER_NOT_FOUND',
      threshold: 1,
      windowMinutes: 60,
      escalationPolicyId: policy.data!.createEscalationPolicy.id,
    });
    const order = parties();
    await publishEvent(
      test.platform.eventBus,
      CourierEvents.notFound,
      order.orderId,
      { ...order, offersMade: 3, searchedSince: new Date(Date.now() - 600_000).toISOString(), at: new Date().toISOString() },
      'couriers',
    );
    const [triggered] = await probe.waitFor((event) => event.envelope?.type === 'alert.triggered' && event.envelope.data.ruleId === rule);
    const [escalated] = await probe.waitFor(
      (event) => event.envelope?.type === 'alert.escalated' && event.envelope.data.alertId === triggered!.envelope!.data.alertId,
    );
    expect(escalated!.envelope!.data.recipientUserIds).toEqual([admin.id]);
  });
});

describe('an incident', () => {
  it('triggers, escalates level by level while nobody acknowledges, is seen live, and resolves when the condition clears', async () => {
    const policy = await test.query<{ createEscalationPolicy: any }>(
      `mutation ($input: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $input) { id levels { level acknowledgeWithinMinutes recipients { id } } } }`,
      {
        token: admin.accessToken,
        variables: {
          input: {
            name: 'Plantão',
            levels: [
              { recipientUserIds: [admin.id], acknowledgeWithinMinutes: 5 },
              { recipientUserIds: [secondLevel.id], acknowledgeWithinMinutes: 10 },
            ],
          },
        },
      },
    );
    expect(policy.errors).toBeUndefined();
    const rule = await ruleId({
      name: 'Pedido sem confirmação',
      kind: 'ORDER_NOT_CONFIRMED',
      severity: 'CRITICAL',
      threshold: 1,
      windowMinutes: 15,
      escalationPolicyId: policy.data!.createEscalationPolicy.id,
    });
    const feed = liveFeed<{ alertUpdated: any }>(live, `subscription { alertUpdated { ${alertFields} } }`);
    const order = parties();
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.created,
      order.orderId,
      {
        ...order,
        items: [{ productId: randomUUID(), quantity: 1, unitPriceAmount: 11_000, lineTotalAmount: 11_000 }],
        subtotalAmount: 11_000,
        deliveryFeeAmount: 0,
        totalAmount: 11_000,
        currency: 'BRL',
        paymentMethod: 'CASH_ON_DELIVERY',
        deliveryLocation: { latitude: -23.55, longitude: -46.63 },
        createdAt: new Date(Date.now() - 20 * 60_000).toISOString(),
      },
      'orders',
    );

    const [triggered] = await probe.waitFor((event) => event.envelope?.type === 'alert.triggered' && event.envelope.data.ruleId === rule);
    const alertId = triggered!.envelope!.data.alertId;
    expect(triggered!.envelope!.data).toMatchObject({ ruleName: 'Pedido sem confirmação', severity: 'CRITICAL' });
    const [first] = await probe.waitFor((event) => event.envelope?.type === 'alert.escalated' && event.envelope.data.alertId === alertId);
    expect(first!.envelope!.data).toMatchObject({ level: 1, recipientUserIds: [admin.id], severity: 'CRITICAL' });

    const open = await feed.waitFor((data) => data.alertUpdated.id === alertId);
    expect(open.alertUpdated).toMatchObject({ status: 'OPEN', triggerValue: 1, severity: 'CRITICAL' });
    const [alert] = await alertsOf(rule);
    const waited = Date.parse(alert.nextEscalationAt) - Date.now();
    expect(waited).toBeGreaterThan(4 * 60_000);
    expect(waited).toBeLessThanOrEqual(5 * 60_000);

    // Five minutes pass without an acknowledgement.
    await sql(`update alerts set next_escalation_at = now() - interval '1 second' where id = $1`, [alertId]);
    const [second] = await probe.waitFor(
      (event) => event.envelope?.type === 'alert.escalated' && event.envelope.data.alertId === alertId && event.envelope.data.level === 2,
    );
    expect(second!.envelope!.data.recipientUserIds).toEqual([secondLevel.id]);
    await feed.waitFor((data) => data.alertUpdated.id === alertId && data.alertUpdated.escalationLevel === 2);

    await publishEvent(
      test.platform.eventBus,
      OrderEvents.confirmed,
      order.orderId,
      {
        ...order,
        totalAmount: 11_000,
        currency: 'BRL',
        paymentMethod: 'CASH_ON_DELIVERY',
        cylinderCount: 1,
        deliveryLocation: { latitude: -23.55, longitude: -46.63 },
        confirmedAt: new Date().toISOString(),
      },
      'orders',
    );
    const [resolved] = await probe.waitFor((event) => event.envelope?.type === 'alert.resolved' && event.envelope.data.alertId === alertId);
    expect(resolved!.envelope!.data.resolvedBy).toBeNull();
    const closed = await feed.waitFor((data) => data.alertUpdated.id === alertId && data.alertUpdated.status === 'RESOLVED');
    expect(closed.alertUpdated).toMatchObject({ resolvedBy: null, nextEscalationAt: null, lastValue: 0 });
    feed.dispose();
  });

  it('stops escalating once acknowledged, and an admin may resolve it by hand', async () => {
    const policy = await test.query<{ createEscalationPolicy: any }>(
      `mutation ($input: CreateEscalationPolicyInput!) { createEscalationPolicy(input: $input) { id } }`,
      {
        token: admin.accessToken,
        variables: {
          input: {
            name: 'Plantão curto',
            levels: [
              { recipientUserIds: [admin.id], acknowledgeWithinMinutes: 1 },
              { recipientUserIds: [secondLevel.id], acknowledgeWithinMinutes: 1 },
            ],
          },
        },
      },
    );
    const rule = await ruleId({
      name: 'Entregador não encontrado',
      kind: 'COURIER_NOT_FOUND',
      threshold: 1,
      windowMinutes: 60,
      escalationPolicyId: policy.data!.createEscalationPolicy.id,
    });
    const order = parties();
    await publishEvent(
      test.platform.eventBus,
      CourierEvents.notFound,
      order.orderId,
      { ...order, offersMade: 3, searchedSince: new Date(Date.now() - 600_000).toISOString(), at: new Date().toISOString() },
      'couriers',
    );
    const [triggered] = await probe.waitFor((event) => event.envelope?.type === 'alert.triggered' && event.envelope.data.ruleId === rule);
    const alertId = triggered!.envelope!.data.alertId;

    const acknowledge = `mutation ($id: ID!) { acknowledgeAlert(id: $id) { ${alertFields} } }`;
    const acknowledged = await test.query<{ acknowledgeAlert: any }>(acknowledge, { token: admin.accessToken, variables: { id: alertId } });
    expect(acknowledged.data!.acknowledgeAlert).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledgedBy: { id: admin.id },
      nextEscalationAt: null,
      escalationLevel: 1,
    });
    const again = await test.query<{ acknowledgeAlert: any }>(acknowledge, { token: admin.accessToken, variables: { id: alertId } });
    expect(again.data!.acknowledgeAlert.status).toBe('ACKNOWLEDGED');

    // Even with its deadline in the past, an acknowledged alert is not escalated.
    await sql(`update alerts set next_escalation_at = now() - interval '1 minute' where id = $1`, [alertId]);
    await job('alerts.escalation').run();
    expect(await outboxCount('alert.escalated', rule)).toBe(1);
    expect(await outboxCount('alert.acknowledged', rule)).toBe(1);

    const resolved = await test.query<{ resolveAlert: any }>(`mutation ($id: ID!) { resolveAlert(id: $id) { ${alertFields} } }`, {
      token: admin.accessToken,
      variables: { id: alertId },
    });
    expect(resolved.data!.resolveAlert).toMatchObject({ status: 'RESOLVED', resolvedBy: { id: admin.id } });
    const [event] = await probe.waitFor(
      (candidate) => candidate.envelope?.type === 'alert.resolved' && candidate.envelope.data.alertId === alertId,
    );
    expect(event!.envelope!.data.resolvedBy).toBe(admin.id);
  });
});

describe('stores and their promises', () => {
  /** Publishes an order event as orders would, keyed by its order. */
  const publishOrder = <Schema extends z.ZodType>(definition: EventDefinition<Schema>, data: EventData<EventDefinition<Schema>>) =>
    publishEvent(test.platform.eventBus, definition, (data as { orderId: string }).orderId, data, 'orders');

  /** An order placed with a store, accepted with a promise, and confirmed (as orders publishes them). */
  async function acceptedOrder(storeId: string, promisedBy: Date) {
    const order = parties();
    const now = new Date().toISOString();
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.accepted,
      order.orderId,
      { ...order, storeId, acceptedBy: null, promisedBy: promisedBy.toISOString(), at: now },
      'orders',
    );
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.confirmed,
      order.orderId,
      {
        ...order,
        totalAmount: 11_500,
        currency: 'BRL',
        paymentMethod: 'PIX',
        cylinderCount: 1,
        deliveryLocation: { latitude: -23.55, longitude: -46.63 },
        promisedBy: promisedBy.toISOString(),
        confirmedAt: now,
      },
      'orders',
    );
    return order;
  }

  it('counts an order late once the time promised to its customer has passed, whatever the window, until it is delivered', async () => {
    // A window of a day: without the promise, none of these orders confirmed just now would be late.
    const rule = await ruleId({ name: 'Entrega atrasada', kind: 'DELIVERY_LATE', threshold: 1, windowMinutes: 1440 });
    const storeId = randomUUID();
    const late = await acceptedOrder(storeId, new Date(Date.now() - 60_000));
    await acceptedOrder(storeId, new Date(Date.now() + 3_600_000));
    const raised = await eventually(
      async () => ((await alertsOf(rule)).length > 0 ? alertsOf(rule) : undefined),
      30_000,
      'the late-delivery alert',
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ status: 'OPEN', triggerValue: 1 });
    expect(raised[0].summary).toContain('past the time promised to the customer');

    await publishOrder(OrderEvents.delivered, {
      ...late,
      courierId: null,
      paymentMethod: 'PIX',
      totalAmount: 11_500,
      currency: 'BRL',
      deliveredAt: new Date().toISOString(),
    });
    await eventually(async () => ((await alertsOf(rule))[0]?.status === 'RESOLVED' ? true : undefined), 30_000, 'the alert resolved');
  });

  it('raises one alert per store whose orders were cancelled unanswered over the window', async () => {
    const rule = await ruleId({ name: 'Revenda sem resposta', kind: 'STORE_NOT_ANSWERING', threshold: 2, windowMinutes: 60 });
    const silent = randomUUID();
    const once = randomUUID();
    for (const storeId of [silent, silent, once]) {
      const order = parties();
      const at = new Date().toISOString();
      await publishOrder(OrderEvents.awaitingAcceptance, {
        ...order,
        storeId,
        totalAmount: 11_500,
        currency: 'BRL',
        paymentMethod: 'CASH_ON_DELIVERY',
        cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }],
        acceptBy: at,
        at,
      });
      await publishOrder(OrderEvents.cancelled, {
        ...order,
        previousStatus: 'AWAITING_ACCEPTANCE',
        reasonCode: 'STORE_DID_NOT_ANSWER',
        reason: 'The store did not answer in time.',
        cancelledBy: null,
        items: [{ productId: randomUUID(), quantity: 1 }],
        cancelledAt: at,
      });
    }
    const raised = await eventually(
      async () => ((await alertsOf(rule)).length > 0 ? alertsOf(rule) : undefined),
      30_000,
      'the unanswered-store alert',
    );
    // The other store's one unanswered order is under the threshold; give its event time to be judged too.
    await eventually(
      async () => {
        const { rows } = await sql('select count(*)::int as n from order_watch where store_id = $1 and unanswered', [once]);
        return rows[0].n === 1 ? true : undefined;
      },
      30_000,
      'the other store’s unanswered order observed',
    );
    expect((await alertsOf(rule)).map((alert) => alert.key)).toEqual([silent]);
    expect(raised[0]).toMatchObject({ status: 'OPEN', triggerValue: 2 });
  });
});

describe('deduplication', () => {
  it('keeps a stock level flapping at the threshold one incident, resolving only above the clear threshold (docs/alerts.md)', async () => {
    const rule = await ruleId({ name: 'Estoque baixo', kind: 'LOW_STOCK', threshold: 5, clearThreshold: 10, windowMinutes: 1 });
    const productId = randomUUID();
    const supplierId = randomUUID();
    let previous = 20;
    for (const stockQuantity of [5, 6, 5, 7, 4, 9, 5, 10]) {
      await publishEvent(
        test.platform.eventBus,
        ProductEvents.inventoryUpdated,
        productId,
        {
          productId,
          supplierId,
          previousQuantity: previous,
          stockQuantity,
          lowStockThreshold: 5,
          crossedLowThreshold: previous > 5 && stockQuantity <= 5,
        },
        'products',
      );
      previous = stockQuantity;
    }
    await eventually(
      async () => ((await alertsOf(rule))[0]?.status === 'RESOLVED' ? true : undefined),
      30_000,
      'the low-stock alert resolved',
    );
    const history = await alertsOf(rule);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ key: productId, triggerValue: 5, lastValue: 10 });
    expect(await outboxCount('alert.triggered', rule)).toBe(1);
    expect(await outboxCount('alert.resolved', rule)).toBe(1);
  });

  it('raises one alert for messages arriving on the dead-letter topic, however many consumers refuse them', async () => {
    const rule = await ruleId({ name: 'Mensagens mortas', kind: 'DEAD_LETTERS', threshold: 1, windowMinutes: 60 });
    await test.platform.eventBus.publish([{ topic: ORDER_TOPIC, key: randomUUID(), value: 'this is not an event' }]);
    await eventually(
      async () => {
        const { rows } = await sql('select count(*)::int as n from dead_letters where original_topic like $1', [`%${ORDER_TOPIC}`]);
        return rows[0].n >= 2 ? true : undefined;
      },
      30_000,
      'two consumers dead-lettered the message',
    );
    const raised = await eventually(
      async () => ((await alertsOf(rule)).length > 0 ? alertsOf(rule) : undefined),
      30_000,
      'the dead-letter alert',
    );
    expect(raised).toHaveLength(1);
    expect(raised[0].status).toBe('OPEN');
    expect(await outboxCount('alert.triggered', rule)).toBe(1);
  });

  // Last: the backlog it leaves in every consumer of payment.events must not delay the tests above.
  it('raises one alert, not a thousand, for a burst of 1,000 failing payments, and none more when the topic is replayed', async () => {
    const rule = await ruleId({ name: 'Falhas de pagamento', kind: 'PAYMENT_FAILURE_RATE', threshold: 50, windowMinutes: 60 });
    const burst: EventEnvelope[] = Array.from({ length: 1_000 }, () => {
      const order = parties();
      return createEnvelope({
        type: PaymentEvents.failed.type,
        source: 'payments',
        subject: order.orderId,
        schemaVersion: 1,
        correlationId: `burst-${randomUUID()}`,
        data: PaymentEvents.failed.data.parse({
          paymentId: randomUUID(),
          orderId: order.orderId,
          customerId: order.customerId,
          method: 'CARD',
          reasonCode: 'DECLINED',
          reason: 'declined',
          failedAt: new Date().toISOString(),
        }),
      });
    });
    const messages = burst.map((envelope) => ({ topic: PAYMENT_TOPIC, key: envelope.subject, value: JSON.stringify(envelope) }));
    const handledBefore = observations().stats().handled;
    await test.platform.eventBus.publish(messages);
    await eventually(
      async () => (observations().stats().handled - handledBefore >= 1_000 ? true : undefined),
      600_000,
      'the burst consumed',
    );

    const open = await alertsOf(rule);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: 'OPEN', lastValue: 100 });
    expect(await outboxCount('alert.triggered', rule)).toBe(1);

    const duplicatesBefore = observations().stats().duplicates;
    await test.platform.eventBus.publish(messages);
    await eventually(
      async () => (observations().stats().duplicates - duplicatesBefore >= 1_000 ? true : undefined),
      300_000,
      'the replay consumed',
    );
    expect(await alertsOf(rule)).toHaveLength(1);
    expect(await outboxCount('alert.triggered', rule)).toBe(1);
    const { rows } = await sql('select count(*)::int as n from payment_observations where event_id = any($1::uuid[])', [
      burst.map((envelope) => envelope.id),
    ]);
    expect(rows[0].n).toBe(1_000);
  }, 1_000_000);
});
