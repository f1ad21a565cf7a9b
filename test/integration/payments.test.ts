import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_CREDENTIAL_HEADER, type EventData } from '#kit';
import type { PaymentsDatabase } from '../../subgraphs/payments/src/database.js';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { firstCode, postGraphQL } from '../support/graphql-client.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { accountsInternals, createAdmin, registerUser, type MfaUser, type SignedInUser } from '../support/users.js';
import { OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { PAYMENT_TOPIC } from '../../subgraphs/payments/src/events/index.js';

let test: TestPlatform;
let probe: EventProbe;
let admin: MfaUser;
let customer: SignedInUser;

beforeAll(async () => {
  test = await startTestPlatform({
    PAYMENTS_RECOVERY_SECONDS: '1',
    PAYMENTS_PIX_CONFIRMATION_SECONDS: '1',
  });
  probe = await probeEvents(test.platform.eventBus, [PAYMENT_TOPIC]);
  [admin, customer] = await Promise.all([createAdmin(test), registerUser(test)]);
});
afterAll(async () => {
  await probe?.stop();
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Operations and helpers
// ---------------------------------------------------------------------------

type Method = 'PIX' | 'CARD' | 'CASH_ON_DELIVERY';

interface PaymentView {
  id: string;
  status: string;
  method: Method;
  amount: { amount: number; currency: string };
  captured: { amount: number };
  refunded: { amount: number };
  refundable: { amount: number };
  failureCode: string | null;
  failureReason: string | null;
  pixCode: string | null;
  cancellationRequested: boolean;
  attempts: Array<{ status: string }>;
  refunds: Array<{ amount: { amount: number }; status: string; automatic: boolean }>;
  emptiesShortfall: { amount: { amount: number }; status: string } | null;
}

const paymentFields = `id status method amount { amount currency } captured { amount } refunded { amount } refundable { amount }
  failureCode failureReason pixCode cancellationRequested attempts { status } refunds { amount { amount } status automatic }
  emptiesShortfall { amount { amount } status }`;
const payMutation = `mutation ($input: PayOrderInput!) { payOrder(input: $input) { ${paymentFields} } }`;
const refundMutation = `mutation ($input: RefundPaymentInput!) {
  refundPayment(input: $input) { id status amount { amount currency } reason automatic initiatedBy { id } payment { id status refunded { amount } } }
}`;
const paymentQuery = `query ($id: ID!) { payment(id: $id) { ${paymentFields} } }`;
const paymentForOrderQuery = `query ($orderId: ID!) { paymentForOrder(orderId: $orderId) { ${paymentFields} } }`;

const paymentsDatabase = () => test.platform.subgraphs.get('payments')!.database.client as unknown as PaymentsDatabase;

function orderCreated(orderId: string, customerId: string, method: Method, totalAmount: number): EventData<typeof OrderEvents.created> {
  return {
    orderId,
    customerId,
    supplierId: randomUUID(),
    items: [{ productId: randomUUID(), quantity: 1, unitPriceAmount: totalAmount, lineTotalAmount: totalAmount }],
    subtotalAmount: totalAmount,
    deliveryFeeAmount: 0,
    totalAmount,
    currency: 'BRL',
    paymentMethod: method,
    deliveryLocation: { latitude: -23.5503, longitude: -46.6342 },
    createdAt: new Date().toISOString(),
  };
}

/** Places an order as the orders service would announce it, and waits until its payment is open. */
async function openOrder(
  owner: SignedInUser = customer,
  method: Method = 'CARD',
  amount = 11_000,
): Promise<{ orderId: string; payment: PaymentView }> {
  const orderId = randomUUID();
  await publishEvent(test.platform.eventBus, OrderEvents.created, orderId, orderCreated(orderId, owner.id, method, amount), 'orders');
  const payment = await eventually(
    async () => (await paymentForOrder(orderId, owner)).data?.['paymentForOrder'] ?? undefined,
    15_000,
    'payment opened',
  );
  return { orderId, payment: payment as PaymentView };
}

const paymentForOrder = (orderId: string, viewer: SignedInUser) =>
  test.query(paymentForOrderQuery, { token: viewer.accessToken, variables: { orderId } });
const payment = (id: string, viewer: SignedInUser = customer) =>
  test.query<{ payment: PaymentView | null }>(paymentQuery, { token: viewer.accessToken, variables: { id } });
const pay = (orderId: string, options: { key?: string; token?: string | null; viewer?: SignedInUser } = {}) =>
  test.query<{ payOrder: PaymentView }>(payMutation, {
    token: (options.viewer ?? customer).accessToken,
    variables: {
      input: {
        orderId,
        idempotencyKey: options.key ?? randomUUID(),
        ...(options.token === null ? {} : { card: { token: options.token ?? 'tok_success' } }),
      },
    },
  });
const refund = (
  paymentId: string,
  input: { amount?: number | null; reason?: string; key?: string } = {},
  token: string = admin.accessToken,
) =>
  test.query(refundMutation, {
    token,
    variables: {
      input: {
        paymentId,
        reason: input.reason ?? 'Cylinder arrived damaged',
        idempotencyKey: input.key ?? randomUUID(),
        ...(input.amount === undefined ? {} : { amount: input.amount }),
      },
    },
  });

/** Waits for the payment to reach `status` (as its payer sees it). */
const paymentReaches = (id: string, status: string, timeoutMs = 15_000) =>
  eventually(
    async () => {
      const found = (await payment(id)).data?.payment;
      return found?.status === status ? found : undefined;
    },
    timeoutMs,
    `payment ${status}`,
  );

const eventsOf = (type: string, paymentId: string) => (event: { envelope?: { type: string; data: unknown } | undefined }) =>
  event.envelope?.type === type && (event.envelope.data as { paymentId: string }).paymentId === paymentId;

const providerRows = (paymentId: string) =>
  paymentsDatabase().sandboxProviderTransaction.findMany({ where: { paymentId }, orderBy: { createdAt: 'asc' } });

const ledgerOf = async (paymentId: string) => {
  const result = await test.query(
    `query ($paymentId: ID) { ledgerTransactions(paymentId: $paymentId, first: 50) { totalCount nodes { kind currency entries { account direction amount } } } }`,
    { token: admin.accessToken, variables: { paymentId } },
  );
  expect(result.errors).toBeUndefined();
  return result.data!['ledgerTransactions'] as {
    totalCount: number;
    nodes: Array<{ kind: string; entries: Array<{ account: string; direction: string; amount: number }> }>;
  };
};

// ---------------------------------------------------------------------------
// Opening payments
// ---------------------------------------------------------------------------

describe('opening payments from order.created', () => {
  it('opens one payment per order, awaiting payment, however often the event is delivered', async () => {
    const orderId = randomUUID();
    const envelope = await publishEvent(
      test.platform.eventBus,
      OrderEvents.created,
      orderId,
      orderCreated(orderId, customer.id, 'CARD', 4_200),
      'orders',
    );
    // The same event again, and the same fact under a new event id (a producer that republished).
    await test.platform.eventBus.publish([{ topic: OrderEvents.created.topic, key: orderId, value: JSON.stringify(envelope) }]);
    await publishEvent(test.platform.eventBus, OrderEvents.created, orderId, orderCreated(orderId, customer.id, 'CARD', 4_200), 'orders');
    const opened = await eventually(async () => (await paymentForOrder(orderId, customer)).data?.['paymentForOrder'] ?? undefined);
    expect(opened).toMatchObject({
      status: 'AWAITING_PAYMENT',
      method: 'CARD',
      amount: { amount: 4_200, currency: 'BRL' },
      captured: { amount: 0 },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await paymentsDatabase().payment.count({ where: { orderId } })).toBe(1);
  });

  it('opens cash-on-delivery payments awaiting delivery', async () => {
    const { payment: opened } = await openOrder(customer, 'CASH_ON_DELIVERY', 9_000);
    expect(opened.status).toBe('AWAITING_DELIVERY');
  });

  it('opens nothing for an order of zero or beyond what an amount can hold, and carries on with the next order', async () => {
    const zero = randomUUID();
    const huge = randomUUID();
    await publishEvent(test.platform.eventBus, OrderEvents.created, zero, orderCreated(zero, customer.id, 'CARD', 0), 'orders');
    await publishEvent(test.platform.eventBus, OrderEvents.created, huge, orderCreated(huge, customer.id, 'CARD', 3_000_000_000), 'orders');
    await openOrder();
    for (const orderId of [zero, huge]) {
      expect((await paymentForOrder(orderId, customer)).data?.['paymentForOrder']).toBeNull();
      expect(firstCode(await pay(orderId))).toBe('NOT_FOUND');
    }
  });
});

// ---------------------------------------------------------------------------
// Paying
// ---------------------------------------------------------------------------

describe('paying an order', () => {
  it('captures a card payment, announces payment.processed and books it with the commission', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CARD', 11_000);
    const paid = await pay(orderId, { token: 'tok_success' });
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.payOrder).toMatchObject({
      id: opened.id,
      status: 'PAID',
      captured: { amount: 11_000 },
      refundable: { amount: 11_000 },
      attempts: [{ status: 'CAPTURED' }],
    });
    const [event] = await probe.waitFor(eventsOf('payment.processed', opened.id));
    expect(event!.key).toBe(orderId);
    expect(event!.envelope!.data).toMatchObject({ orderId, customerId: customer.id, amount: 11_000, currency: 'BRL', method: 'CARD' });
    const ledger = await ledgerOf(opened.id);
    expect(ledger.nodes).toEqual([
      {
        kind: 'CAPTURE',
        currency: 'BRL',
        entries: [
          { account: 'PROVIDER_CLEARING', direction: 'DEBIT', amount: 11_000 },
          { account: 'SUPPLIER_PAYABLE', direction: 'CREDIT', amount: 9_900 },
          { account: 'PLATFORM_COMMISSION', direction: 'CREDIT', amount: 1_100 },
        ],
      },
    ]);
  });

  it('records a declined card as FAILED with the reason and payment.failed; a new key may pay again', async () => {
    const { orderId, payment: opened } = await openOrder();
    const declined = await pay(orderId, { token: 'tok_decline' });
    expect(declined.data!.payOrder).toMatchObject({ status: 'FAILED', failureCode: 'DECLINED', captured: { amount: 0 } });
    expect(declined.data!.payOrder.failureReason).toMatch(/declined/);
    const [failed] = await probe.waitFor(eventsOf('payment.failed', opened.id));
    expect(failed!.envelope!.data).toMatchObject({ orderId, reasonCode: 'DECLINED', method: 'CARD' });

    const retried = await pay(orderId, { token: 'tok_success' });
    expect(retried.data!.payOrder).toMatchObject({
      status: 'PAID',
      failureCode: null,
      attempts: [{ status: 'FAILED' }, { status: 'CAPTURED' }],
    });
  });

  it('records insufficient funds', async () => {
    const { orderId } = await openOrder();
    expect((await pay(orderId, { token: 'tok_insufficient_funds' })).data!.payOrder).toMatchObject({
      status: 'FAILED',
      failureCode: 'INSUFFICIENT_FUNDS',
    });
  });

  it('leaves a timed-out charge PROCESSING, then the recovery job finds it captured: PAID, charged once', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CARD', 7_500);
    const key = randomUUID();
    const unanswered = await pay(orderId, { token: 'tok_timeout', key });
    expect(unanswered.data!.payOrder).toMatchObject({ status: 'PROCESSING', attempts: [{ status: 'UNKNOWN' }] });
    const settled = await paymentReaches(opened.id, 'PAID');
    expect(settled).toMatchObject({ captured: { amount: 7_500 }, attempts: [{ status: 'CAPTURED' }] });
    expect((await providerRows(opened.id)).filter((row) => row.kind === 'CHARGE' && row.status === 'CAPTURED')).toHaveLength(1);
    await probe.waitFor(eventsOf('payment.processed', opened.id));
    // The key replays its first answer; a new key is refused, the order being paid.
    expect((await pay(orderId, { token: 'tok_timeout', key })).data!.payOrder.status).toBe('PROCESSING');
    const again = await pay(orderId, { token: 'tok_success' });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_PAID' });
    expect((await ledgerOf(opened.id)).totalCount).toBe(1);
    expect(probe.received.filter(eventsOf('payment.processed', opened.id))).toHaveLength(1);
  });

  it('fails a charge that never reached the provider, and fences its reference so it can never capture later', async () => {
    const { orderId, payment: opened } = await openOrder();
    expect((await pay(orderId, { token: 'tok_unreachable' })).data!.payOrder.status).toBe('PROCESSING');
    const failed = await paymentReaches(opened.id, 'FAILED');
    expect(failed).toMatchObject({ failureCode: 'PROVIDER_ERROR', captured: { amount: 0 } });
    expect(await providerRows(opened.id)).toMatchObject([{ kind: 'CHARGE', status: 'CANCELLED' }]);
    await probe.waitFor(eventsOf('payment.failed', opened.id));
  });

  it('answers a Pix order with a copy-and-paste code, shown only to the payer, and confirms it asynchronously', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'PIX', 12_345);
    const waiting = await pay(orderId, { token: null });
    expect(waiting.data!.payOrder).toMatchObject({ status: 'PROCESSING', attempts: [{ status: 'AWAITING_CONFIRMATION' }] });
    expect(waiting.data!.payOrder.pixCode).toMatch(/^000201.*br\.gov\.bcb\.pix.*6304[0-9A-F]{4}$/);
    expect((await payment(opened.id, admin)).data!.payment!.pixCode).toBeNull();
    const paid = await paymentReaches(opened.id, 'PAID');
    expect(paid.captured.amount).toBe(12_345);
    await probe.waitFor(eventsOf('payment.processed', opened.id));
  });

  it('refuses a card for a Pix order and a card order without one, naming the field', async () => {
    const pix = await openOrder(customer, 'PIX');
    expect((await pay(pix.orderId, { token: 'tok_success' })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.card' }],
    });
    const card = await openOrder();
    expect((await pay(card.orderId, { token: null })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.card' }],
    });
  });

  it('settles cash on delivery when the order is delivered, once however often that is announced', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CASH_ON_DELIVERY', 9_000);
    expect((await pay(orderId, { token: null })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CASH_ON_DELIVERY' });
    const delivered: EventData<typeof OrderEvents.delivered> = {
      orderId,
      customerId: customer.id,
      supplierId: randomUUID(),
      courierId: null,
      paymentMethod: 'CASH_ON_DELIVERY',
      totalAmount: 9_000,
      currency: 'BRL',
      deliveredAt: new Date().toISOString(),
    };
    const envelope = await publishEvent(test.platform.eventBus, OrderEvents.delivered, orderId, delivered, 'orders');
    await test.platform.eventBus.publish([{ topic: OrderEvents.delivered.topic, key: orderId, value: JSON.stringify(envelope) }]);
    await publishEvent(test.platform.eventBus, OrderEvents.delivered, orderId, delivered, 'orders');
    expect((await paymentReaches(opened.id, 'PAID')).captured.amount).toBe(9_000);
    await probe.waitFor(eventsOf('payment.processed', opened.id));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ledger = await ledgerOf(opened.id);
    expect(ledger.nodes).toHaveLength(1);
    expect(ledger.nodes[0]!.entries).toContainEqual({ account: 'CASH_COLLECTED', direction: 'DEBIT', amount: 9_000 });
    expect(await providerRows(opened.id)).toEqual([]);
    expect(probe.received.filter(eventsOf('payment.processed', opened.id))).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------
// Idempotency keys
// ---------------------------------------------------------------------------

describe('idempotency keys', () => {
  it('give ten concurrent calls with one key one charge and one identical answer', async () => {
    const { orderId, payment: opened } = await openOrder();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => pay(orderId, { key, token: 'tok_success' })));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const first = answers[0]!.data!.payOrder;
    expect(first.status).toBe('PAID');
    for (const answer of answers) expect(answer.data!.payOrder).toEqual(first);
    expect(await providerRows(opened.id)).toHaveLength(1);
    expect(await paymentsDatabase().paymentAttempt.count({ where: { paymentId: opened.id } })).toBe(1);
  });

  it('replay the first answer to a retry, even after the payment moved on', async () => {
    const { orderId, payment: opened } = await openOrder();
    const key = randomUUID();
    const declined = await pay(orderId, { key, token: 'tok_decline' });
    await pay(orderId, { token: 'tok_success' });
    expect((await payment(opened.id)).data!.payment!.status).toBe('PAID');
    const retried = await pay(orderId, { key, token: 'tok_decline' });
    expect(retried.data!.payOrder).toMatchObject({ status: 'FAILED', failureCode: 'DECLINED' });
    expect(retried.data!.payOrder.id).toBe(declined.data!.payOrder.id);
  });

  it('refuse the same key with other parameters, or for another order', async () => {
    const { orderId } = await openOrder();
    const other = await openOrder();
    const key = randomUUID();
    await pay(orderId, { key, token: 'tok_decline' });
    const changed = await pay(orderId, { key, token: 'tok_success' });
    expect(changed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await pay(other.orderId, { key, token: 'tok_decline' })).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('belong to one customer: another customer’s same key is theirs alone', async () => {
    const someoneElse = await registerUser(test);
    const mine = await openOrder();
    const theirs = await openOrder(someoneElse);
    const key = randomUUID();
    expect((await pay(mine.orderId, { key })).data!.payOrder.status).toBe('PAID');
    expect((await pay(theirs.orderId, { key, viewer: someoneElse })).data!.payOrder.status).toBe('PAID');
  });

  it('are checked for shape', async () => {
    const { orderId } = await openOrder();
    const refused = await pay(orderId, { key: 'has spaces in it' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.idempotencyKey' }] });
  });
});

// ---------------------------------------------------------------------------
// Who sees and pays what
// ---------------------------------------------------------------------------

describe('visibility', () => {
  it('answers another customer exactly as for an order or payment that does not exist', async () => {
    const stranger = await registerUser(test);
    const { orderId, payment: opened } = await openOrder();
    const theirs = await pay(orderId, { viewer: stranger });
    const missing = await pay(randomUUID(), { viewer: stranger });
    expect(firstCode(theirs)).toBe('NOT_FOUND');
    expect(theirs.errors![0]!.message).toBe(missing.errors![0]!.message);
    expect(theirs.status).toBe(missing.status);
    expect((await payment(opened.id, stranger)).data!.payment).toBeNull();
    expect((await payment(randomUUID(), stranger)).data!.payment).toBeNull();
    expect((await paymentForOrder(orderId, stranger)).data!['paymentForOrder']).toBeNull();
    expect((await payment(opened.id)).data!.payment!.id).toBe(opened.id);
    expect((await payment(opened.id, admin)).data!.payment!.id).toBe(opened.id);
  });

  it('resolves Order.payment and the Payment entity for the gateway with the same rule', async () => {
    const stranger = await registerUser(test);
    const { orderId, payment: opened } = await openOrder();
    const entities = (viewer: SignedInUser) =>
      postGraphQL(
        test.subgraphUrl('payments'),
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { id payment { id status } } ... on Payment { id method } } }`,
        {
          token: viewer.accessToken,
          headers: { [GATEWAY_CREDENTIAL_HEADER]: TEST_GATEWAY_SECRET },
          variables: {
            representations: [
              { __typename: 'Order', id: orderId },
              { __typename: 'Payment', id: opened.id },
            ],
          },
        },
      );
    expect((await entities(customer)).data!['_entities']).toEqual([
      { id: orderId, payment: { id: opened.id, status: 'AWAITING_PAYMENT' } },
      { id: opened.id, method: 'CARD' },
    ]);
    expect((await entities(stranger)).data!['_entities']).toEqual([{ id: orderId, payment: null }, null]);
  });

  it('keeps the books to admins', async () => {
    const refused = await test.query('{ ledgerBalances { account } }', { token: customer.accessToken });
    expect(firstCode(refused)).toBe('FORBIDDEN');
    const report = await test.query('{ reconciliation(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { balanced } }', {
      token: customer.accessToken,
    });
    expect(firstCode(report)).toBe('FORBIDDEN');
  });
});

// ---------------------------------------------------------------------------
// Cancellations
// ---------------------------------------------------------------------------

function orderCancelled(orderId: string, customerId: string): EventData<typeof OrderEvents.cancelled> {
  return {
    orderId,
    customerId,
    supplierId: randomUUID(),
    previousStatus: 'PENDING_PAYMENT',
    reasonCode: 'CUSTOMER_REQUEST',
    reason: 'Changed my mind',
    cancelledBy: customerId,
    items: [],
    cancelledAt: new Date().toISOString(),
  };
}

describe('cancelled orders', () => {
  it('cannot be paid', async () => {
    const { orderId, payment: opened } = await openOrder();
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, orderId, orderCancelled(orderId, customer.id), 'orders');
    await paymentReaches(opened.id, 'CANCELLED');
    expect((await pay(orderId)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ORDER_CANCELLED' });
    expect(await providerRows(opened.id)).toEqual([]);
  });

  it('are refunded automatically when already paid, once however often the cancellation is delivered', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CARD', 8_000);
    await pay(orderId);
    const envelope = await publishEvent(
      test.platform.eventBus,
      OrderEvents.cancelled,
      orderId,
      orderCancelled(orderId, customer.id),
      'orders',
    );
    await test.platform.eventBus.publish([{ topic: OrderEvents.cancelled.topic, key: orderId, value: JSON.stringify(envelope) }]);
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, orderId, orderCancelled(orderId, customer.id), 'orders');
    const refunded = await paymentReaches(opened.id, 'REFUNDED');
    expect(refunded).toMatchObject({
      refunded: { amount: 8_000 },
      cancellationRequested: true,
      refunds: [{ amount: { amount: 8_000 }, status: 'SUCCEEDED', automatic: true }],
    });
    const [event] = await probe.waitFor(eventsOf('refund.processed', opened.id));
    expect(event!.envelope!.data).toMatchObject({ orderId, amount: 8_000, refundedTotal: 8_000, capturedAmount: 8_000, initiatedBy: null });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(probe.received.filter(eventsOf('refund.processed', opened.id))).toHaveLength(1);
    expect((await providerRows(opened.id)).filter((row) => row.kind === 'REFUND')).toHaveLength(1);
  });

  it('withdraw a Pix code not yet paid, or refund it if the payer was quicker: nothing is kept either way', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'PIX', 5_500);
    expect((await pay(orderId, { token: null })).data!.payOrder.status).toBe('PROCESSING');
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, orderId, orderCancelled(orderId, customer.id), 'orders');
    const settled = await eventually(async () => {
      const found = (await payment(opened.id)).data?.payment;
      return found?.status === 'CANCELLED' || found?.status === 'REFUNDED' ? found : undefined;
    });
    expect(settled.refunded.amount).toBe(settled.captured.amount);
    expect(settled.pixCode).toBeNull();
    if (settled.status === 'CANCELLED') {
      expect(settled.failureCode).toBe('EXPIRED');
      expect(await providerRows(opened.id)).toMatchObject([{ kind: 'CHARGE', status: 'CANCELLED' }]);
    }
  });

  it('refund what a charge in flight captures once its outcome is known', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CARD', 6_000);
    expect((await pay(orderId, { token: 'tok_timeout' })).data!.payOrder.status).toBe('PROCESSING');
    await publishEvent(test.platform.eventBus, OrderEvents.cancelled, orderId, orderCancelled(orderId, customer.id), 'orders');
    const refunded = await paymentReaches(opened.id, 'REFUNDED');
    expect(refunded).toMatchObject({ captured: { amount: 6_000 }, refunded: { amount: 6_000 } });
  });
});

describe('orders a store turned down or left unanswered', () => {
  it('are refunded in full, like any cancelled order', async () => {
    for (const reasonCode of ['STORE_REJECTED', 'STORE_DID_NOT_ANSWER'] as const) {
      const { orderId, payment: opened } = await openOrder(customer, 'CARD', 11_500);
      expect((await pay(orderId)).data!.payOrder.status).toBe('PAID');
      await publishEvent(
        test.platform.eventBus,
        OrderEvents.cancelled,
        orderId,
        { ...orderCancelled(orderId, customer.id), previousStatus: 'AWAITING_ACCEPTANCE', reasonCode, cancelledBy: null },
        'orders',
      );
      const refunded = await paymentReaches(opened.id, 'REFUNDED');
      expect(refunded, reasonCode).toMatchObject({
        refunded: { amount: 11_500 },
        refunds: [{ amount: { amount: 11_500 }, status: 'SUCCEEDED', automatic: true }],
      });
    }
  });
});

// ---------------------------------------------------------------------------
// Empties shortfall
// ---------------------------------------------------------------------------

function emptiesShortfall(orderId: string, method: Method, chargeAmount: number): EventData<typeof OrderEvents.emptiesShortfall> {
  return {
    orderId,
    customerId: customer.id,
    supplierId: randomUUID(),
    courierId: randomUUID(),
    paymentMethod: method,
    lines: [{ productId: randomUUID(), cylinderType: 'P13', expected: 1, collected: 0, unitAmount: chargeAmount }],
    chargeAmount,
    currency: 'BRL',
    at: new Date().toISOString(),
  };
}

function cashDelivered(orderId: string, totalAmount: number): EventData<typeof OrderEvents.delivered> {
  return {
    orderId,
    customerId: customer.id,
    supplierId: randomUUID(),
    courierId: null,
    paymentMethod: 'CASH_ON_DELIVERY',
    totalAmount,
    currency: 'BRL',
    deliveredAt: new Date().toISOString(),
  };
}

const shortfallRecorded = (id: string) =>
  eventually(
    async () => {
      const found = (await payment(id)).data?.payment;
      return found?.emptiesShortfall ? found : undefined;
    },
    15_000,
    'the shortfall recorded',
  );

describe('an empties shortfall', () => {
  it('paid in cash is collected at the door with the order, once however often it is announced', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CASH_ON_DELIVERY', 11_500);
    const envelope = await publishEvent(
      test.platform.eventBus,
      OrderEvents.emptiesShortfall,
      orderId,
      emptiesShortfall(orderId, 'CASH_ON_DELIVERY', 17_500),
      'orders',
    );
    await test.platform.eventBus.publish([{ topic: OrderEvents.emptiesShortfall.topic, key: orderId, value: JSON.stringify(envelope) }]);
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.emptiesShortfall,
      orderId,
      emptiesShortfall(orderId, 'CASH_ON_DELIVERY', 17_500),
      'orders',
    );
    const recorded = await shortfallRecorded(opened.id);
    expect(recorded).toMatchObject({
      status: 'AWAITING_DELIVERY',
      amount: { amount: 29_000 },
      emptiesShortfall: { amount: { amount: 17_500 }, status: 'COLLECTED_WITH_CASH' },
    });

    await publishEvent(test.platform.eventBus, OrderEvents.delivered, orderId, cashDelivered(orderId, 11_500), 'orders');
    expect((await paymentReaches(opened.id, 'PAID')).captured.amount).toBe(29_000);
    const ledger = await ledgerOf(opened.id);
    expect(ledger.nodes).toHaveLength(1);
    expect(ledger.nodes[0]!.entries).toContainEqual({ account: 'CASH_COLLECTED', direction: 'DEBIT', amount: 29_000 });
  });

  it('announced after a cash delivery was settled is captured as cash of its own, with its commission', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CASH_ON_DELIVERY', 11_500);
    await publishEvent(test.platform.eventBus, OrderEvents.delivered, orderId, cashDelivered(orderId, 11_500), 'orders');
    await paymentReaches(opened.id, 'PAID');
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.emptiesShortfall,
      orderId,
      emptiesShortfall(orderId, 'CASH_ON_DELIVERY', 17_500),
      'orders',
    );
    const recorded = await shortfallRecorded(opened.id);
    expect(recorded).toMatchObject({ status: 'PAID', amount: { amount: 29_000 }, captured: { amount: 29_000 } });
    const ledger = await ledgerOf(opened.id);
    expect(ledger.nodes.map((node) => node.kind).sort()).toEqual(['CAPTURE', 'EMPTIES_SHORTFALL']);
    expect(ledger.nodes.flatMap((node) => node.entries)).toContainEqual({ account: 'CASH_COLLECTED', direction: 'DEBIT', amount: 17_500 });
  });

  it('on a card order is owed, not taken from the captured payment', async () => {
    const { orderId, payment: opened } = await openOrder(customer, 'CARD', 11_500);
    await pay(orderId);
    await publishEvent(test.platform.eventBus, OrderEvents.emptiesShortfall, orderId, emptiesShortfall(orderId, 'CARD', 17_500), 'orders');
    const recorded = await shortfallRecorded(opened.id);
    expect(recorded).toMatchObject({
      status: 'PAID',
      amount: { amount: 11_500 },
      captured: { amount: 11_500 },
      emptiesShortfall: { status: 'DUE' },
    });
  });
});

// ---------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------

describe('refunds by admins', () => {
  async function paidOrder(amount = 10_000) {
    const { orderId, payment: opened } = await openOrder(customer, 'CARD', amount);
    await pay(orderId);
    return opened.id;
  }

  it('refund part, then the rest, with refund.processed each time and the commission reversed in proportion', async () => {
    const paymentId = await paidOrder(10_000);
    const partial = await refund(paymentId, { amount: 2_500 });
    expect(partial.errors).toBeUndefined();
    expect(partial.data!['refundPayment']).toMatchObject({
      status: 'SUCCEEDED',
      amount: { amount: 2_500 },
      automatic: false,
      initiatedBy: { id: admin.id },
      payment: { status: 'PARTIALLY_REFUNDED', refunded: { amount: 2_500 } },
    });
    const rest = await refund(paymentId, { reason: 'Order never arrived' });
    expect(rest.data!['refundPayment']).toMatchObject({
      status: 'SUCCEEDED',
      amount: { amount: 7_500 },
      payment: { status: 'REFUNDED', refunded: { amount: 10_000 } },
    });
    const events = await probe.waitFor(eventsOf('refund.processed', paymentId), 2);
    expect(events.map((event) => (event.envelope!.data as { refundedTotal: number }).refundedTotal)).toEqual([2_500, 10_000]);
    expect((events[0]!.envelope!.data as { initiatedBy: string }).initiatedBy).toBe(admin.id);
    const refunds = (await ledgerOf(paymentId)).nodes.filter((transaction) => transaction.kind === 'REFUND');
    const commissionBack = refunds.flatMap((transaction) => transaction.entries).filter((entry) => entry.account === 'PLATFORM_COMMISSION');
    expect(commissionBack.map((entry) => entry.amount).sort()).toEqual([250, 750]);
    expect((await refund(paymentId, { amount: 1 })).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOTHING_TO_REFUND',
      refundableAmount: 0,
    });
  });

  it('never refund more than was captured, saying how much can be', async () => {
    const paymentId = await paidOrder(5_000);
    await refund(paymentId, { amount: 3_000 });
    const refused = await refund(paymentId, { amount: 2_001 });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'REFUND_EXCEEDS_REFUNDABLE',
      refundableAmount: 2_000,
    });
    // Racing refunds cannot together exceed it either.
    const raced = await Promise.all(Array.from({ length: 5 }, () => refund(paymentId, { amount: 1_500 })));
    expect(raced.filter((answer) => answer.errors === undefined)).toHaveLength(1);
    expect((await payment(paymentId)).data!.payment).toMatchObject({ refunded: { amount: 4_500 }, refundable: { amount: 500 } });
  });

  it('refuse zero, negative and out-of-range amounts', async () => {
    const paymentId = await paidOrder();
    for (const amount of [0, -5]) {
      const refused = await refund(paymentId, { amount });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.amount' }] });
    }
    const huge = await refund(paymentId, { amount: 3_000_000_000 });
    expect(huge.status).toBe(400);
    expect(huge.errors?.[0]?.message).toMatch(/amount/);
    expect((await payment(paymentId)).data!.payment!.refunded.amount).toBe(0);
  });

  it('refuse a payment nothing was captured for', async () => {
    const { payment: opened } = await openOrder();
    expect((await refund(opened.id)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOTHING_TO_REFUND' });
    expect(firstCode(await refund(randomUUID()))).toBe('NOT_FOUND');
  });

  it('replay a retried refund instead of refunding twice, and refuse its key with other parameters', async () => {
    const paymentId = await paidOrder(10_000);
    const key = randomUUID();
    const first = await refund(paymentId, { amount: 1_000, key });
    const again = await refund(paymentId, { amount: 1_000, key });
    expect(again.data).toEqual(first.data);
    expect((await refund(paymentId, { amount: 2_000, key })).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect((await payment(paymentId)).data!.payment!.refunded.amount).toBe(1_000);
  });

  it('need an admin whose second factor is recent', async () => {
    const paymentId = await paidOrder();
    const issuer = accountsInternals(test).accessTokens;
    const stale = await issuer.issue(
      { id: admin.id, roles: ['ADMIN'], verified: false },
      { amr: ['pwd', 'otp'], authTime: new Date(Date.now() - 3_600_000) },
    );
    const refused = await refund(paymentId, {}, stale.token);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'MFA_REQUIRED', reason: 'STEP_UP_REQUIRED' });
    expect(firstCode(await refund(paymentId, {}, customer.accessToken))).toBe('FORBIDDEN');
    expect((await payment(paymentId)).data!.payment!.refunded.amount).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// The books
// ---------------------------------------------------------------------------

describe('the books', () => {
  const reconciliationQuery = `query ($from: DateTime!, $to: DateTime!) {
    reconciliation(from: $from, to: $to) {
      balanced paymentsCompared
      mismatches { kind paymentId currency ledger { captured refunded net } provider { captured refunded net } }
      totals { currency ledger { net } provider { net } }
    }
  }`;

  it('balance, and reconcile with the provider once the recovery job has settled everything', async () => {
    const balances = await test.query('{ ledgerBalances { account currency debits credits net } }', { token: admin.accessToken });
    const rows = balances.data!['ledgerBalances'] as Array<{ debits: number; credits: number; net: number }>;
    expect(rows.reduce((sum, row) => sum + row.debits, 0)).toBe(rows.reduce((sum, row) => sum + row.credits, 0));
    const report = await eventually(async () => {
      const answer = await test.query(reconciliationQuery, {
        token: admin.accessToken,
        variables: { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      });
      const body = answer.data?.['reconciliation'] as
        { balanced: boolean; paymentsCompared: number; totals: Array<{ ledger: { net: number }; provider: { net: number } }> } | undefined;
      return body?.balanced ? body : undefined;
    });
    expect(report.paymentsCompared).toBeGreaterThan(5);
    expect(report.totals[0]!.ledger.net).toBe(report.totals[0]!.provider.net);
  });

  it('report every mismatch with both sides’ amounts', async () => {
    const sql = paymentsDatabase();
    const at = new Date('2020-03-01T12:00:00Z');
    const [unbooked, unpaid, different] = [randomUUID(), randomUUID(), randomUUID()];
    const providerRow = (paymentId: string, amount: number) =>
      sql.sandboxProviderTransaction.create({
        data: {
          id: randomUUID(),
          providerReference: `sbx_ch_${randomUUID()}`,
          reference: randomUUID(),
          kind: 'CHARGE',
          status: 'CAPTURED',
          paymentId,
          method: 'CARD',
          amount,
          currency: 'BRL',
          settledAt: at,
        },
      });
    const ledgerCapture = (paymentId: string, amount: number) =>
      sql.$transaction(async (transaction) => {
        const id = randomUUID();
        await transaction.ledgerTransaction.create({ data: { id, kind: 'CAPTURE', paymentId, currency: 'BRL', occurredAt: at } });
        await transaction.ledgerEntry.createMany({
          data: [
            { transactionId: id, account: 'PROVIDER_CLEARING', direction: 'DEBIT', amount },
            { transactionId: id, account: 'SUPPLIER_PAYABLE', direction: 'CREDIT', amount },
          ],
        });
      });
    await providerRow(unbooked, 1_000);
    await ledgerCapture(unpaid, 2_000);
    await providerRow(different, 3_000);
    await ledgerCapture(different, 3_100);
    const answer = await test.query(reconciliationQuery, {
      token: admin.accessToken,
      variables: { from: '2020-03-01T00:00:00Z', to: '2020-03-02T00:00:00Z' },
    });
    expect(answer.errors).toBeUndefined();
    const report = answer.data!['reconciliation'] as { balanced: boolean; mismatches: Array<{ kind: string; paymentId: string }> };
    expect(report.balanced).toBe(false);
    expect(report.mismatches).toHaveLength(3);
    expect(report.mismatches).toContainEqual({
      kind: 'MISSING_IN_LEDGER',
      paymentId: unbooked,
      currency: 'BRL',
      ledger: { captured: 0, refunded: 0, net: 0 },
      provider: { captured: 1_000, refunded: 0, net: 1_000 },
    });
    expect(report.mismatches).toContainEqual({
      kind: 'MISSING_AT_PROVIDER',
      paymentId: unpaid,
      currency: 'BRL',
      ledger: { captured: 2_000, refunded: 0, net: 2_000 },
      provider: { captured: 0, refunded: 0, net: 0 },
    });
    expect(report.mismatches).toContainEqual({
      kind: 'AMOUNT_MISMATCH',
      paymentId: different,
      currency: 'BRL',
      ledger: { captured: 3_100, refunded: 0, net: 3_100 },
      provider: { captured: 3_000, refunded: 0, net: 3_000 },
    });
  });

  it('refuse a period that is backwards, too long or not a date', async () => {
    const ask = (from: string, to: string) => test.query(reconciliationQuery, { token: admin.accessToken, variables: { from, to } });
    expect((await ask('2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z')).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'to' }],
    });
    expect((await ask('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'to' }],
    });
    // Not dates at all: the DateTime scalar refuses each variable, by name, before the resolver runs.
    const notDates = await ask('yesterday', 'today');
    expect(notDates.errors?.map((error) => error.extensions?.['code'])).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(notDates.errors?.map((error) => error.message)).toEqual([expect.stringContaining('"$from"'), expect.stringContaining('"$to"')]);
  });

  it('refuse, in the database itself, an unbalanced transaction and any change to what was written', async () => {
    // A connection of its own: a COMMIT refused by the deferred trigger must not touch the service's pool.
    const pool = test.platform.subgraphs.get('payments')!.database.pool;
    const client = new pg.Client({
      connectionString: (pool as unknown as { options: { connectionString: string } }).options.connectionString,
    });
    await client.connect();
    try {
      const attempt = async (statements: string[]) => {
        await client.query('begin');
        try {
          for (const statement of statements) await client.query(statement);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        }
      };
      const id = randomUUID();
      const header = `insert into ledger_transactions (id, kind, payment_id, currency, occurred_at) values ('${id}', 'CAPTURE', '${randomUUID()}', 'BRL', now())`;
      const entry = (direction: string, account: string, amount: number) =>
        `insert into ledger_entries (transaction_id, account, direction, amount) values ('${id}', '${account}', '${direction}', ${amount})`;
      await expect(attempt([header, entry('DEBIT', 'provider_clearing', 100), entry('CREDIT', 'supplier_payable', 99)])).rejects.toThrow(
        /unbalanced/,
      );
      await expect(attempt([header])).rejects.toThrow(/no entries/);
      await expect(attempt([header, entry('DEBIT', 'provider_clearing', 0), entry('CREDIT', 'supplier_payable', 0)])).rejects.toThrow(
        /amount_positive/,
      );
      await attempt([header, entry('DEBIT', 'provider_clearing', 100), entry('CREDIT', 'supplier_payable', 100)]);
      await expect(attempt(['update ledger_entries set amount = amount + 1'])).rejects.toThrow(/append-only/);
      await expect(attempt([`delete from ledger_transactions where id = '${id}'`])).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });
});
