import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { describe, expect, inject, it } from 'vitest';
import {
  applyMigrations,
  createLogger,
  databaseUrl,
  ensureDatabase,
  openDatabase,
  prismaTransactions,
  readServiceMigrations,
  type Database,
  type EventData,
  type Viewer,
} from '#kit';
import { PaymentsDatabase, type PaymentsTransaction } from '../../subgraphs/payments/src/database.js';
import { reconcile } from '../../subgraphs/payments/src/ledger/reconciliation.js';
import { ORDER_EVENTS_CONSUMER, orderEventHandlers } from '../../subgraphs/payments/src/consumers/order-events.js';
import { paymentJobs } from '../../subgraphs/payments/src/payments/payment-jobs.js';
import type { ChargeRequest, ChargeResult, PaymentProvider } from '../../subgraphs/payments/src/provider/payment-provider.js';
import { SandboxProvider } from '../../subgraphs/payments/src/provider/sandbox-provider.js';
import { createPaymentsDomain, type PaymentsDomain } from '../../subgraphs/payments/src/services.js';
import { OrderEvents } from '../../subgraphs/orders/src/events/index.js';

/**
 * The ledger invariant, property-based: random runs of orders, payments (every
 * sandbox outcome, timeouts and answers arriving after the deadline),
 * cancellations, deliveries, refunds (some racing each other) and recovery
 * runs, against the real payments services on a fresh PostgreSQL database per
 * run. Events are handed to the consumer's handlers directly, in the consumer's
 * transaction with its processed marker, as the kit would: the property is about
 * the books, not the broker. After each run, once the recovery work is done, the
 * books must balance and agree with the provider's, and no money may be kept for
 * a cancelled order.
 */

const logger = createLogger({ service: 'payments', level: (process.env['INVARIANT_LOG'] ?? 'silent') as 'silent' });
const migrations = await readServiceMigrations('payments');

type Method = 'PIX' | 'CARD' | 'CASH_ON_DELIVERY';
/** The sandbox's test tokens, one per outcome. */
type SandboxToken = 'tok_success' | 'tok_decline' | 'tok_insufficient_funds' | 'tok_timeout' | 'tok_unreachable';

type Operation =
  | { kind: 'open'; method: Method; amount: number }
  | { kind: 'pay'; order: number; token: SandboxToken; sameKey: boolean; callers: number; late: boolean }
  | { kind: 'cancel'; order: number; redeliver: boolean }
  | { kind: 'deliver'; order: number; redeliver: boolean }
  | { kind: 'refund'; order: number; amount: number | null; racing: boolean }
  | { kind: 'pixPayer' }
  | { kind: 'recover' };

const order = fc.nat({ max: 50 });
const openOrder = fc.record({
  kind: fc.constant('open' as const),
  method: fc.constantFrom<Method>('PIX', 'CARD', 'CARD', 'CASH_ON_DELIVERY'),
  amount: fc.oneof(fc.integer({ min: 1, max: 80_000 }), fc.constantFrom(1, 2, 3, 5, 15, 2_147_483_647)),
});
/** Mostly money that moves, so refunds and cancellations have something to work on. */
const token = fc.oneof(
  { weight: 3, arbitrary: fc.constant('tok_success' as const) },
  { weight: 2, arbitrary: fc.constant('tok_timeout' as const) },
  { weight: 3, arbitrary: fc.constantFrom('tok_decline' as const, 'tok_insufficient_funds' as const, 'tok_unreachable' as const) },
);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 1, arbitrary: openOrder },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      order,
      token,
      sameKey: fc.boolean(),
      callers: fc.constantFrom(1, 1, 3),
      late: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order, redeliver: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deliver' as const), order, redeliver: fc.boolean() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      order,
      amount: fc.option(fc.integer({ min: 1, max: 50_000 })),
      racing: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'pixPayer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'recover' as const }) },
);

/** Delays the next charge past payOrder's deadline, so its answer arrives after recovery may have looked. */
class LateProvider implements PaymentProvider {
  lateCharges = 0;
  readonly inFlight = new Set<Promise<unknown>>();
  constructor(
    private readonly inner: PaymentProvider,
    private readonly delayMs: number,
  ) {}
  charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.lateCharges === 0) return this.inner.charge(request);
    this.lateCharges -= 1;
    const call = sleep(this.delayMs).then(() => this.inner.charge(request));
    this.inFlight.add(call);
    void call.catch(() => {}).finally(() => this.inFlight.delete(call));
    return call;
  }
  refund: PaymentProvider['refund'] = (request) => this.inner.refund(request);
  lookup: PaymentProvider['lookup'] = (reference) => this.inner.lookup(reference);
  withdraw: PaymentProvider['withdraw'] = (charge) => this.inner.withdraw(charge);
  listTransactions: PaymentProvider['listTransactions'] = (from, to) => this.inner.listTransactions(from, to);
}

interface Run {
  database: Database<PaymentsDatabase>;
  domain: PaymentsDomain;
  provider: LateProvider;
  startedAt: Date;
}

async function startRun(commissionBasisPoints: number): Promise<Run> {
  const server = inject('postgresServerUrl');
  const name = `inv${randomBytes(5).toString('hex')}_payments`;
  await ensureDatabase(server, name);
  const url = databaseUrl(server, name);
  await applyMigrations(url, migrations);
  const database = openDatabase(PaymentsDatabase, { url, maxConnections: 8 });
  const attemptTimeoutSeconds = 0.25;
  // The sandbox keeps no state outside its table, so this one and the domain's are the same provider.
  const provider = new LateProvider(new SandboxProvider(database.client), attemptTimeoutSeconds * 1000 + 150);
  const domain = createPaymentsDomain(
    database.client,
    {
      commissionBasisPoints,
      recoverySeconds: 1,
      pixConfirmationSeconds: 1,
      idempotencyWaitSeconds: 10,
      attemptTimeoutSeconds,
      mfaMaxAgeSeconds: 900,
    },
    logger,
    { provider },
  );
  return { database, domain, provider, startedAt: new Date(Date.now() - 60_000) };
}

const viewer = (userId: string, admin = false): Viewer => ({
  userId,
  roles: admin ? ['ADMIN'] : ['CUSTOMER'],
  tokenId: randomUUID(),
  issuedAt: Math.floor(Date.now() / 1000),
  expiresAt: Math.floor(Date.now() / 1000) + 900,
  mfaAuthenticatedAt: admin ? Math.floor(Date.now() / 1000) : null,
  verified: true,
});

/** Refusals the API gives on purpose; anything else is a bug the property must report. */
async function allowRefusal(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
    if (code !== 'CONFLICT' && code !== 'NOT_FOUND' && code !== 'BAD_USER_INPUT') throw error;
  }
}

interface OpenOrder {
  orderId: string;
  customerId: string;
  method: Method;
  amount: number;
  key: string;
}

async function perform(run: Run, operations: Operation[]): Promise<void> {
  const { domain, database, provider } = run;
  const handlers = orderEventHandlers(domain);
  const transactions = prismaTransactions(database.client);
  const admin = viewer(randomUUID(), true);
  const orders: OpenOrder[] = [];
  const origin = { source: 'payments', correlationId: randomUUID() };
  const [recovery] = paymentJobs({ ...domain, logger }, { recoverySeconds: 1, pixConfirmationSeconds: 1, attemptTimeoutSeconds: 0.25 });

  const consume = async <Data>(
    handle: (data: Data, transaction: PaymentsTransaction, o: typeof origin, l: typeof logger) => Promise<void>,
    data: Data,
    eventId = randomUUID(),
  ) =>
    transactions.run(async (transaction) => {
      if (await transactions.markProcessed(transaction, ORDER_EVENTS_CONSUMER, eventId)) await handle(data, transaction, origin, logger);
    });
  const pick = (index: number) => orders[index % Math.max(orders.length, 1)];
  const payPix = async () => {
    for (const reference of await domain.sandbox.settleDuePix(0)) await domain.resolution.resolve(reference, origin);
  };

  for (const step of operations) {
    if (process.env['INVARIANT_TRACE']) console.log(new Date().toISOString(), JSON.stringify(step));
    switch (step.kind) {
      case 'open': {
        const opened: OpenOrder = {
          orderId: randomUUID(),
          customerId: randomUUID(),
          method: step.method,
          amount: step.amount,
          key: randomUUID(),
        };
        orders.push(opened);
        const data: EventData<typeof OrderEvents.created> = OrderEvents.created.data.parse({
          orderId: opened.orderId,
          customerId: opened.customerId,
          supplierId: randomUUID(),
          items: [{ productId: randomUUID(), quantity: 1, unitPriceAmount: step.amount, lineTotalAmount: step.amount }],
          subtotalAmount: step.amount,
          deliveryFeeAmount: 0,
          totalAmount: step.amount,
          currency: 'BRL',
          paymentMethod: step.method,
          deliveryLocation: { latitude: -23.55, longitude: -46.63 },
          createdAt: new Date().toISOString(),
        });
        await consume(handlers.opened, data);
        break;
      }
      case 'pay': {
        const target = pick(step.order);
        if (target === undefined) break;
        if (!step.sameKey) target.key = randomUUID();
        const input = {
          orderId: target.orderId,
          idempotencyKey: target.key,
          ...(target.method === 'CARD' ? { card: { token: step.token } } : {}),
        };
        provider.lateCharges = step.late ? 1 : 0;
        const pay = () => allowRefusal(domain.payOrder.pay(viewer(target.customerId), input, origin));
        // A late charge races a recovery run that may look it up before it lands.
        await Promise.all([...Array.from({ length: step.callers }, pay), ...(step.late ? [sleep(300).then(() => recovery!.run())] : [])]);
        provider.lateCharges = 0;
        break;
      }
      case 'cancel': {
        const target = pick(step.order);
        if (target === undefined) break;
        const data: EventData<typeof OrderEvents.cancelled> = {
          orderId: target.orderId,
          customerId: target.customerId,
          supplierId: randomUUID(),
          previousStatus: 'PENDING_PAYMENT',
          reasonCode: 'CUSTOMER_REQUEST',
          reason: 'changed my mind',
          cancelledBy: target.customerId,
          items: [],
          cancelledAt: new Date().toISOString(),
        };
        const eventId = randomUUID();
        await consume(handlers.cancelled, data, eventId);
        if (step.redeliver) await Promise.all([consume(handlers.cancelled, data, eventId), consume(handlers.cancelled, data)]);
        break;
      }
      case 'deliver': {
        const target = pick(step.order);
        if (target === undefined) break;
        const data: EventData<typeof OrderEvents.delivered> = {
          orderId: target.orderId,
          customerId: target.customerId,
          supplierId: randomUUID(),
          courierId: null,
          paymentMethod: target.method,
          totalAmount: target.amount,
          currency: 'BRL',
          deliveredAt: new Date().toISOString(),
        };
        await consume(handlers.delivered, data);
        if (step.redeliver) await consume(handlers.delivered, data);
        break;
      }
      case 'refund': {
        const target = pick(step.order);
        if (target === undefined) break;
        const payment = await domain.payments.findByOrderId(target.orderId);
        if (payment === null) break;
        const refund = () =>
          allowRefusal(
            domain.refundService.refund(
              admin,
              { paymentId: payment.id, amount: step.amount, reason: 'property test', idempotencyKey: randomUUID() },
              origin,
            ),
          );
        await Promise.all(step.racing ? [refund(), refund(), refund()] : [refund()]);
        break;
      }
      case 'pixPayer':
        await payPix();
        break;
      case 'recover':
        await recovery!.run();
        break;
    }
  }

  // Let every late answer land, then do the recovery work until nothing is left unresolved.
  await Promise.all([...provider.inFlight].map((call) => call.catch(() => {})));
  for (let round = 0; ; round += 1) {
    await payPix();
    await recovery!.run();
    const [unresolved, pendingRefunds, owed] = await Promise.all([
      database.client.paymentAttempt.count({ where: { status: { in: ['PENDING', 'AWAITING_CONFIRMATION', 'UNKNOWN'] } } }),
      database.client.refund.count({ where: { status: 'PENDING' } }),
      domain.payments.cancelledWithMoneyLeft(10),
    ]);
    if (unresolved === 0 && pendingRefunds === 0 && owed.length === 0) break;
    if (round > 40)
      throw new Error(`recovery did not finish: ${unresolved} attempts, ${pendingRefunds} refunds, ${owed.length} cancelled payments`);
    await sleep(50);
  }
}

async function assertBooks(run: Run): Promise<void> {
  const sql = run.database.client;
  const [overall] = await sql.$queryRaw<Array<{ debits: bigint; credits: bigint }>>`
    select coalesce(sum(amount) filter (where direction = 'DEBIT'), 0)::bigint as debits,
           coalesce(sum(amount) filter (where direction = 'CREDIT'), 0)::bigint as credits
    from ledger_entries`;
  expect(overall!.debits).toBe(overall!.credits);
  const unbalanced = await sql.$queryRaw<Array<{ transaction_id: string }>>`
    select transaction_id::text from ledger_entries group by transaction_id
    having sum(case when direction = 'DEBIT' then amount else -amount end) <> 0`;
  expect(unbalanced).toEqual([]);

  // Each payment's money at the provider, by our ledger and by the provider's own books.
  const ledgerClearing = await sql.$queryRaw<Array<{ payment_id: string; net: bigint }>>`
    select t.payment_id::text as payment_id, sum(case when e.direction = 'DEBIT' then e.amount else -e.amount end)::bigint as net
    from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
    where e.account = 'provider_clearing' group by t.payment_id`;
  const providerBooks = await sql.$queryRaw<Array<{ payment_id: string; net: bigint; captures: bigint }>>`
    select payment_id::text as payment_id,
           sum(case when kind = 'CHARGE' and status = 'CAPTURED' then amount when kind = 'REFUND' and status = 'REFUNDED' then -amount else 0 end)::bigint as net,
           count(*) filter (where kind = 'CHARGE' and status = 'CAPTURED')::bigint as captures
    from sandbox_provider_transactions group by payment_id`;
  const ours = new Map(ledgerClearing.map((row) => [row.payment_id, Number(row.net)]));
  const theirs = new Map(providerBooks.map((row) => [row.payment_id, Number(row.net)]));
  for (const id of new Set([...ours.keys(), ...theirs.keys()]))
    expect(ours.get(id) ?? 0, `provider_clearing of ${id}`).toBe(theirs.get(id) ?? 0);
  for (const row of providerBooks) expect(Number(row.captures), `captures of ${row.payment_id}`).toBeLessThanOrEqual(1);

  const payments = await sql.payment.findMany({ include: { refunds: true } });
  let commissionKept = 0;
  for (const payment of payments) {
    const succeeded = payment.refunds.filter((refund) => refund.status === 'SUCCEEDED').reduce((sum, refund) => sum + refund.amount, 0);
    expect(payment.refundedAmount).toBe(succeeded);
    expect(payment.refundedAmount).toBeLessThanOrEqual(payment.capturedAmount);
    expect(payment.status, `payment ${payment.id} left in flight`).not.toBe('PROCESSING');
    if (payment.capturedAmount > 0) expect(payment.capturedAmount).toBe(payment.amount);
    if (payment.status === 'REFUNDED') expect(payment.refundedAmount).toBe(payment.capturedAmount);
    if (payment.status === 'PAID') expect(payment.refundedAmount).toBe(0);
    if (['AWAITING_PAYMENT', 'AWAITING_DELIVERY', 'FAILED', 'CANCELLED'].includes(payment.status)) expect(payment.capturedAmount).toBe(0);
    // No money is kept for a cancelled order.
    if (payment.cancelRequestedAt !== null) expect(payment.refundedAmount, `cancelled ${payment.id}`).toBe(payment.capturedAmount);
    commissionKept += payment.commissionAmount - payment.commissionReversed;
  }
  if (process.env['INVARIANT_TRACE']) {
    const statuses = payments.reduce<Record<string, number>>(
      (counts, payment) => ({ ...counts, [payment.status]: (counts[payment.status] ?? 0) + 1 }),
      {},
    );
    console.log('run ended with', JSON.stringify(statuses), 'refunds', payments.flatMap((payment) => payment.refunds).length);
  }
  const balances = new Map((await run.domain.ledger.balances()).map((balance) => [balance.account, balance.credits - balance.debits]));
  expect(balances.get('PLATFORM_COMMISSION') ?? 0).toBe(commissionKept);

  const report = await reconcile(run.domain.ledger, run.domain.sandbox, run.startedAt, new Date(Date.now() + 60_000));
  expect(report.mismatches).toEqual([]);
}

describe('the ledger', () => {
  it('balances and agrees with the provider after any run of orders, payments, failures, cancellations and refunds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(openOrder, { minLength: 2, maxLength: 6 }),
        fc.array(operation, { minLength: 10, maxLength: 30 }),
        fc.oneof(fc.constant(1000), fc.integer({ min: 0, max: 10_000 })),
        async (orders, operations, rate) => {
          const run = await startRun(rate);
          try {
            await perform(run, [...orders, ...operations]);
            await assertBooks(run);
          } finally {
            await run.database.close();
          }
        },
      ),
      { numRuns: Number(process.env['INVARIANT_RUNS'] ?? 15), endOnFailure: true, verbose: 2 },
    );
  }, 120_000);
});
