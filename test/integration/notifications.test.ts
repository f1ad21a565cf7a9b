import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_CREDENTIAL_HEADER, type EventEnvelope, type PrismaLike, type StartedSubgraph } from '#kit';
import { eventually, probeEvents, publishEvent, type EventProbe } from '../support/event-probe.js';
import { notificationStore } from '../../subgraphs/notifications/src/notifications/notification-store.js';
import type { NotificationsDatabase } from '../../subgraphs/notifications/src/database.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { decodeQuotedPrintable, startSmtpServer, type SmtpServer } from '../support/smtp-server.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { AlertEvents } from '../../subgraphs/alerts/src/events/index.js';
import { AnalyticsEvents } from '../../subgraphs/analytics/src/events/index.js';
import { NOTIFICATION_TOPIC, NotificationEvents } from '../../subgraphs/notifications/src/events/index.js';
import { OrderEvents } from '../../subgraphs/orders/src/events/index.js';
import { PAYMENT_TOPIC, PaymentEvents } from '../../subgraphs/payments/src/events/index.js';
import { VerificationEvents } from '../../subgraphs/verification/src/events/index.js';

const MAX_ATTEMPTS = 3;

let test: TestPlatform;
let smtp: SmtpServer;
let probe: EventProbe;
let admin: SignedInUser;

const notifications = () => test.platform.subgraphs.get('notifications') as StartedSubgraph<PrismaLike>;
/** Arrange and inspect steps on the notifications database. */
const sql = (text: string, values: unknown[] = []) => notifications().database.pool.query(text, values);

/** The language a user chose for notifications, through the gateway like an app would. */
async function chooseLocale(user: SignedInUser, locale: string) {
  const chosen = await test.query(`mutation ($locale: String!) { setNotificationLocale(locale: $locale) }`, {
    token: user.accessToken,
    variables: { locale },
  });
  expect(chosen.errors).toBeUndefined();
}

const paymentProcessed = (customerId: string) => ({
  paymentId: randomUUID(),
  orderId: randomUUID(),
  customerId,
  supplierId: randomUUID(),
  amount: 11_500,
  currency: 'BRL',
  method: 'PIX' as const,
  providerReference: 'sandbox-1',
  capturedAt: new Date().toISOString(),
});

const listQuery = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount nodes { id category channel eventType title body locale status read } pageInfo { endCursor hasNextPage }
  }
}`;

beforeAll(async () => {
  smtp = await startSmtpServer();
  test = await startTestPlatform({
    NOTIFICATIONS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    NOTIFICATIONS_SMTP_TIMEOUT_MS: '2000',
    NOTIFICATIONS_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    NOTIFICATIONS_RETRY_BASE_MS: '100',
    NOTIFICATIONS_RETRY_MAX_MS: '400',
    NOTIFICATIONS_DELIVERY_SWEEP_MS: '100',
  });
  probe = await probeEvents(test.platform.eventBus, [NOTIFICATION_TOPIC]);
  admin = await createAdmin(test);
});

afterAll(async () => {
  await probe?.stop();
  await test?.stop();
  await smtp?.close();
});

describe('notifications', () => {
  it('emails an invitation code through the SMTP server, in Portuguese', async () => {
    const email = `invitee-${randomUUID().slice(0, 8)}@example.com`;
    const created = await test.query<{ createInvitation: { code: string } }>(
      `mutation ($input: CreateInvitationInput!) { createInvitation(input: $input) { code } }`,
      { token: admin.accessToken, variables: { input: { role: 'CUSTOMER', email } } },
    );
    const code = created.data!.createInvitation.code;

    const mail = await eventually(async () => smtp.mails.find((received) => received.to.includes(email)), 20_000, 'the invitation email');
    const body = decodeQuotedPrintable(mail.raw);
    expect(body).toContain(code);
    expect(body).toContain('Você foi convidado como cliente');
    expect(mail.raw).toMatch(/^X-GasRapido-Notification: [0-9a-f-]{36}/im);
  });

  it('stores an in-app notification, emails it and publishes notification.sent for each channel', async () => {
    // Contact details come from accounts over its private route: the address the user registered.
    const customer = await registerUser(test, 'CUSTOMER');
    const { email } = customer;
    await chooseLocale(customer, 'en');

    await publishEvent(test.platform.eventBus, PaymentEvents.processed, randomUUID(), paymentProcessed(customer.id), 'payments');

    const sent = await probe.waitFor(
      (event) => event.envelope?.type === NotificationEvents.sent.type && event.envelope.data.userId === customer.id,
      2,
      20_000,
    );
    expect(sent.map((event) => event.envelope!.data.channel).sort()).toEqual(['EMAIL', 'IN_APP']);
    const mail = await eventually(async () => smtp.mails.find((received) => received.to.includes(email)));
    expect(decodeQuotedPrintable(mail.raw)).toContain('We received R$115.00 for order');

    const list = await test.query(listQuery, { token: customer.accessToken, variables: { unreadOnly: true } });
    expect(list.errors).toBeUndefined();
    expect(list.data!['notifications'].totalCount).toBe(1);
    const [notification] = list.data!['notifications'].nodes;
    expect(notification).toMatchObject({
      category: 'PAYMENT',
      channel: 'IN_APP',
      eventType: 'payment.processed',
      title: 'Payment received',
      locale: 'en',
      status: 'SENT',
      read: false,
    });

    const read = await test.query(`mutation ($id: ID!) { markNotificationRead(id: $id) { id read readAt } }`, {
      token: customer.accessToken,
      variables: { id: notification.id },
    });
    expect(read.data!['markNotificationRead']).toMatchObject({ id: notification.id, read: true });
    const unread = await test.query(listQuery, { token: customer.accessToken, variables: { unreadOnly: true } });
    expect(unread.data!['notifications'].totalCount).toBe(0);
  });

  it('writes nothing new when an event is delivered again', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const envelope: EventEnvelope = await publishEvent(
      test.platform.eventBus,
      PaymentEvents.processed,
      randomUUID(),
      paymentProcessed(customer.id),
      'payments',
    );
    await probe.waitFor(
      (event) => event.envelope?.type === NotificationEvents.sent.type && event.envelope.data.userId === customer.id,
      2,
      20_000,
    );

    await test.platform.eventBus.publish([{ topic: PAYMENT_TOPIC, key: envelope.subject, value: JSON.stringify(envelope) }]);
    await publishEvent(test.platform.eventBus, PaymentEvents.failed, randomUUID(), {
      paymentId: randomUUID(),
      orderId: randomUUID(),
      customerId: customer.id,
      method: 'CARD',
      reasonCode: 'DECLINED',
      reason: 'declined',
      failedAt: new Date().toISOString(),
    });
    // The later event's notification proves the redelivered one was read and skipped.
    await eventually(async () => {
      const { rows } = await sql(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND event_type = 'payment.failed'`, [
        customer.id,
      ]);
      return rows[0].n === 2 ? true : undefined;
    });
    const { rows } = await sql('SELECT channel FROM notifications WHERE event_id = $1 ORDER BY channel::text', [envelope.id]);
    expect(rows.map((row: { channel: string }) => row.channel)).toEqual(['EMAIL', 'IN_APP']);
  });

  it('keeps one message per event, recipient and channel even past the processed-event marker', async () => {
    // The kit's marker stops a redelivery before the handler; the unique key is the second guard.
    const client = notifications().database.client as unknown as NotificationsDatabase;
    const store = notificationStore(client);
    const message = {
      userId: randomUUID(),
      address: null,
      eventId: randomUUID(),
      eventType: 'order.confirmed',
      category: 'ORDER' as const,
      channel: 'EMAIL' as const,
      title: 'Pedido confirmado',
      body: 'x',
      locale: 'pt-BR' as const,
    };
    expect(await store.createMany(client, [message], new Date())).toHaveLength(1);
    expect(await store.createMany(client, [message], new Date())).toHaveLength(0);
    const { rows } = await sql('SELECT count(*)::int AS n FROM notifications WHERE event_id = $1', [message.eventId]);
    expect(rows[0].n).toBe(1);
  });

  it('retries while the SMTP server is down and publishes notification.failed after the last attempt', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    await smtp.close();

    await publishEvent(test.platform.eventBus, PaymentEvents.processed, randomUUID(), paymentProcessed(customer.id), 'payments');

    const [failed] = await probe.waitFor(
      (event) => event.envelope?.type === NotificationEvents.failed.type && event.envelope.data.userId === customer.id,
      1,
      30_000,
    );
    expect(failed!.envelope!.data).toMatchObject({ channel: 'EMAIL', category: 'PAYMENT', attempts: MAX_ATTEMPTS });
    const { rows } = await sql(`SELECT status, attempts, last_error FROM notifications WHERE user_id = $1 AND channel = 'EMAIL'`, [
      customer.id,
    ]);
    expect(rows).toEqual([expect.objectContaining({ status: 'FAILED', attempts: MAX_ATTEMPTS })]);
    expect(rows[0].last_error).toMatch(/ECONNREFUSED|connect/i);

    const one = await test.query(`query ($id: ID!) { notification(id: $id) { status attempts channel } }`, {
      token: customer.accessToken,
      variables: { id: failed!.envelope!.data.notificationId },
    });
    expect(one.data!['notification']).toEqual({ status: 'FAILED', attempts: MAX_ATTEMPTS, channel: 'EMAIL' });
  });

  it('gets contact details from accounts only with the private-network credential', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const accounts = test.platform.subgraphs.get('accounts')!.url;
    const ask = (id: string, credential?: string) =>
      fetch(`${accounts}/internal/users/contact?id=${id}`, {
        headers: credential === undefined ? {} : { [GATEWAY_CREDENTIAL_HEADER]: credential },
      });
    expect((await ask(customer.id)).status).toBe(403);
    expect((await ask(customer.id, 'not-the-credential')).status).toBe(403);
    const answer = await ask(customer.id, TEST_GATEWAY_SECRET);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ email: customer.email, phone: expect.stringMatching(/^\+\d+$/) });
    expect((await ask('not-a-uuid', TEST_GATEWAY_SECRET)).status).toBe(400);
    expect((await ask(randomUUID(), TEST_GATEWAY_SECRET)).status).toBe(404);
  });

  it('refuses a language it has no templates for, and answers the chosen one', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const refused = await test.query(`mutation { setNotificationLocale(locale: "fr") }`, { token: customer.accessToken });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refused.errors?.[0]?.message).toMatch(/pt-BR, en/);
    const before = await test.query(`{ notificationLocale }`, { token: customer.accessToken });
    expect(before.data!['notificationLocale']).toBe('pt-BR');
    await chooseLocale(customer, 'en');
    const after = await test.query(`{ notificationLocale }`, { token: customer.accessToken });
    expect(after.data!['notificationLocale']).toBe('en');
  });

  it('tells every admin of an escalation level about the alert, and an admin that their report is ready', async () => {
    const onCall = await createAdmin(test);
    const alertId = randomUUID();
    await publishEvent(test.platform.eventBus, AlertEvents.escalated, alertId, {
      alertId,
      ruleId: randomUUID(),
      ruleName: 'Pagamentos falhando',
      severity: 'CRITICAL',
      level: 2,
      summary: 'Falha em 35% dos pagamentos nos últimos 10 minutos.',
      // A repeated recipient is told once.
      recipientUserIds: [admin.id, onCall.id, onCall.id],
      escalatedAt: new Date().toISOString(),
    });
    const reportId = randomUUID();
    await publishEvent(test.platform.eventBus, AnalyticsEvents.reportGenerated, reportId, {
      reportId,
      requestedBy: onCall.id,
      kind: 'METRICS_DAILY',
      format: 'CSV',
      periodStart: '2026-11-01T03:00:00.000Z',
      periodEnd: '2026-12-01T03:00:00.000Z',
      generatedAt: new Date().toISOString(),
    });
    const inbox = async (user: SignedInUser, count: number) =>
      eventually(
        async () => {
          const list = await test.query(`{ notifications(first: 10) { nodes { category channel eventType title body } } }`, {
            token: user.accessToken,
          });
          const nodes = list.data!['notifications'].nodes as Array<{ eventType: string }>;
          return nodes.filter((node) => node.eventType === 'alert.escalated' || node.eventType === 'report.generated').length >= count
            ? nodes
            : undefined;
        },
        20_000,
        'the operations notifications',
      );
    const [first] = (await inbox(admin, 1)).filter((node) => node.eventType === 'alert.escalated');
    expect(first).toMatchObject({ category: 'OPERATIONS', channel: 'IN_APP', title: 'Alerta crítico: Pagamentos falhando' });
    expect(first!['body' as keyof typeof first]).toContain('nível 2');
    const second = await inbox(onCall, 2);
    expect(second.filter((node) => node.eventType === 'alert.escalated')).toHaveLength(1);
    expect(second.find((node) => node.eventType === 'report.generated')).toMatchObject({
      category: 'OPERATIONS',
      body: expect.stringContaining('01/11/2026 – 30/11/2026'),
    });
    // Email and SMS go out as well, on call.
    const { rows } = await sql(`SELECT channel::text FROM notifications WHERE user_id = $1 AND event_type = 'alert.escalated' ORDER BY 1`, [
      onCall.id,
    ]);
    expect(rows.map((row: { channel: string }) => row.channel)).toEqual(['EMAIL', 'IN_APP', 'SMS']);
  });

  it('tells a store owner of an order to answer and of one left unanswered, the customer of the answer, and the supplier of their licence', async () => {
    const supplier = await registerUser(test, 'SUPPLIER');
    const customer = await registerUser(test, 'CUSTOMER');
    const parties = { customerId: customer.id, supplierId: supplier.id };
    const storeId = randomUUID();
    const now = new Date();
    const waiting = randomUUID();
    const acceptBy = new Date(now.getTime() + 5 * 60_000).toISOString();
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.awaitingAcceptance,
      waiting,
      {
        orderId: waiting,
        ...parties,
        storeId,
        totalAmount: 11_500,
        currency: 'BRL',
        paymentMethod: 'PIX',
        cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }],
        acceptBy,
        at: now.toISOString(),
      },
      'orders',
    );
    const accepted = randomUUID();
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.accepted,
      accepted,
      { orderId: accepted, ...parties, storeId, acceptedBy: supplier.id, promisedBy: acceptBy, at: now.toISOString() },
      'orders',
    );
    await publishEvent(
      test.platform.eventBus,
      OrderEvents.cancelled,
      waiting,
      {
        orderId: waiting,
        ...parties,
        previousStatus: 'AWAITING_ACCEPTANCE',
        reasonCode: 'STORE_DID_NOT_ANSWER',
        reason: 'The store did not answer in time.',
        cancelledBy: null,
        items: [{ productId: randomUUID(), quantity: 1 }],
        cancelledAt: now.toISOString(),
      },
      'orders',
    );
    await publishEvent(
      test.platform.eventBus,
      VerificationEvents.licenceApproved,
      supplier.id,
      {
        userId: supplier.id,
        documentId: randomUUID(),
        authorizationNumber: 'ANP-SP-0042',
        validUntil: '2030-06-30',
        reviewedBy: admin.id,
        approvedAt: now.toISOString(),
      },
      'verification',
    );

    const inAppOf = (user: SignedInUser, count: number) =>
      eventually(
        async () => {
          const list = await test.query(`{ notifications(first: 10) { nodes { category channel eventType title body } } }`, {
            token: user.accessToken,
          });
          const nodes = (list.data!['notifications'].nodes as Array<{ eventType: string; body: string; category: string }>).filter(
            (node) => node.eventType !== 'user.created',
          );
          return nodes.length >= count ? nodes : undefined;
        },
        20_000,
        'the store notifications',
      );
    const owner = await inAppOf(supplier, 3);
    expect(owner.map((node) => node.eventType).sort()).toEqual(['licence.approved', 'order.awaiting_acceptance', 'order.cancelled']);
    expect(owner.find((node) => node.eventType === 'order.awaiting_acceptance')!.body).toContain('aguarda sua resposta até');
    expect(owner.find((node) => node.eventType === 'order.cancelled')!.body).toContain('Você não respondeu ao pedido');
    expect(owner.find((node) => node.eventType === 'licence.approved')).toMatchObject({
      category: 'ACCOUNT',
      body: expect.stringContaining('ANP-SP-0042 foi aprovada e vale até 30/06/2030'),
    });
    const told = await inAppOf(customer, 2);
    expect(told.map((node) => node.eventType).sort()).toEqual(['order.accepted', 'order.cancelled']);
    expect(told.find((node) => node.eventType === 'order.cancelled')!.body).toContain('A revenda não respondeu ao pedido');
    // The store owner is reached by push as well: they have minutes to answer.
    const { rows } = await sql(
      `SELECT channel::text FROM notifications WHERE user_id = $1 AND event_type = 'order.awaiting_acceptance' ORDER BY 1`,
      [supplier.id],
    );
    expect(rows.map((row: { channel: string }) => row.channel)).toEqual(['EMAIL', 'IN_APP', 'PUSH']);
  });

  it('keeps transactional categories on and lets others be switched off', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const set = `mutation ($channel: NotificationChannel!, $category: NotificationCategory!, $enabled: Boolean!) {
      setNotificationPreference(channel: $channel, category: $category, enabled: $enabled) { channel category enabled locked }
    }`;
    const refused = await test.query(set, {
      token: customer.accessToken,
      variables: { channel: 'EMAIL', category: 'PAYMENT', enabled: false },
    });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const allowed = await test.query(set, {
      token: customer.accessToken,
      variables: { channel: 'EMAIL', category: 'MARKETING', enabled: false },
    });
    expect(allowed.data!['setNotificationPreference']).toEqual({ channel: 'EMAIL', category: 'MARKETING', enabled: false, locked: false });
  });

  it('lets only an admin broadcast, and a broadcast reaches users in the app', async () => {
    const customer = await registerUser(test, 'CUSTOMER');
    const broadcast = `mutation ($input: BroadcastNotificationInput!) { broadcastNotification(input: $input) { broadcastId notificationCount } }`;
    const input = { title: 'Promoção', body: 'Gás com desconto hoje.', audience: 'CUSTOMERS' };
    const refused = await test.query(broadcast, { token: customer.accessToken, variables: { input } });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    // The customer is known once user.created has been consumed.
    await eventually(async () =>
      (await sql('SELECT 1 FROM known_users WHERE user_id = $1', [customer.id])).rowCount === 1 ? true : undefined,
    );
    const sent = await test.query(broadcast, { token: admin.accessToken, variables: { input } });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!['broadcastNotification'].notificationCount).toBeGreaterThanOrEqual(1);
    const list = await test.query(listQuery, { token: customer.accessToken });
    expect(list.data!['notifications'].nodes).toEqual([
      expect.objectContaining({ category: 'MARKETING', eventType: 'broadcast', title: 'Promoção' }),
    ]);
  });
});
