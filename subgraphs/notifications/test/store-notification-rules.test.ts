import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notificationRules, type Intent } from '../src/consumers/notification-rules.js';
import { messageTemplates } from '../src/templates/message-templates.js';
import { loadTemplates } from '../src/templates/template.js';

const templates = loadTemplates(messageTemplates);
const parties = { orderId: 'a1b2c3d4-0000-4000-8000-000000000001', customerId: randomUUID(), supplierId: randomUUID() };
const at = '2027-03-10T15:00:00.000Z';

function intentsFor(type: string, data: unknown): Intent[] {
  const found = notificationRules.find((rule) => rule.definition.type === type);
  if (found === undefined) throw new Error(`no rule for ${type}`);
  return found.intentsOf(data);
}

const who = (intents: Intent[]) =>
  intents.map((intent) => ('userId' in intent.recipient ? intent.recipient.userId : intent.recipient.address));
const render = (intent: Intent, locale: 'pt-BR' | 'en' = 'pt-BR') => templates[intent.template].render(locale, intent.values(locale));

const cancelled = (reasonCode: string, cancelledBy: string | null) => ({
  ...parties,
  previousStatus: 'AWAITING_ACCEPTANCE',
  reasonCode,
  reason: 'x',
  cancelledBy,
  items: [{ productId: randomUUID(), quantity: 1 }],
  cancelledAt: at,
});

describe('who hears of an order placed with a store', () => {
  it('tells the store owner of an order waiting for an answer, with the deadline in São Paulo time', () => {
    const intents = intentsFor('order.awaiting_acceptance', {
      ...parties,
      storeId: randomUUID(),
      totalAmount: 11_500,
      currency: 'BRL',
      paymentMethod: 'PIX',
      cylinders: [{ cylinderType: 'P13', quantity: 1, emptiesToCollect: 1 }],
      acceptBy: at,
      at,
    });
    expect(who(intents)).toEqual([parties.supplierId]);
    expect(intents[0]!.channels).toContain('PUSH');
    expect(render(intents[0]!).body).toMatch(/#A1B2C3D4 de R\$\s115,00 aguarda sua resposta até 10\/03\/2027,? 12:00/);
  });

  it('tells the customer the store accepted, with the promised time, and not again when the order is confirmed', () => {
    const accepted = intentsFor('order.accepted', { ...parties, storeId: randomUUID(), acceptedBy: null, promisedBy: at, at });
    expect(who(accepted)).toEqual([parties.customerId]);
    expect(render(accepted[0]!, 'en').body).toMatch(/Delivery by 3\/10\/27,? 12:00/);
    const confirmed = {
      ...parties,
      totalAmount: 11_500,
      currency: 'BRL',
      paymentMethod: 'PIX',
      cylinderCount: 1,
      deliveryLocation: { latitude: -23.55, longitude: -46.63 },
      confirmedAt: at,
    };
    expect(intentsFor('order.confirmed', { ...confirmed, promisedBy: at })).toEqual([]);
    expect(who(intentsFor('order.confirmed', confirmed))).toEqual([parties.customerId]);
  });

  it('tells only the customer a store turned the order down, with its reason and the refund, once', () => {
    const rejected = intentsFor('order.rejected', {
      ...parties,
      storeId: randomUUID(),
      rejectedBy: parties.supplierId,
      reason: 'Sem P13 no momento.',
      outOfStockProductIds: [],
      at,
    });
    expect(who(rejected)).toEqual([parties.customerId]);
    expect(render(rejected[0]!).body).toContain('Sem P13 no momento. O pedido foi cancelado; se você já pagou, o valor será devolvido');
    expect(who(intentsFor('order.cancelled', cancelled('STORE_REJECTED', parties.supplierId)))).toEqual([]);
  });

  it('tells both the customer and the store owner an unanswered order was cancelled, each in their own words', () => {
    const intents = intentsFor('order.cancelled', cancelled('STORE_DID_NOT_ANSWER', null));
    expect(who(intents)).toEqual([parties.customerId, parties.supplierId]);
    expect(intents.map((intent) => intent.template)).toEqual(['order.unanswered.customer', 'order.unanswered.supplier']);
    expect(render(intents[1]!, 'en').body).toContain('You did not answer order #A1B2C3D4 in time');
  });

  it('tells a store owner of a new order once it waits for them, not when it is placed', () => {
    const created = {
      ...parties,
      items: [{ productId: randomUUID(), quantity: 1, unitPriceAmount: 11_500, lineTotalAmount: 11_500 }],
      subtotalAmount: 11_500,
      deliveryFeeAmount: 0,
      totalAmount: 11_500,
      currency: 'BRL',
      paymentMethod: 'PIX',
      deliveryLocation: { latitude: -23.55, longitude: -46.63 },
      createdAt: at,
    };
    expect(who(intentsFor('order.created', { ...created, storeId: randomUUID() }))).toEqual([parties.customerId]);
    expect(who(intentsFor('order.created', created))).toEqual([parties.customerId, parties.supplierId]);
  });

  it('tells the customer what the missing empties cost', () => {
    const intents = intentsFor('order.empties_shortfall', {
      ...parties,
      courierId: randomUUID(),
      paymentMethod: 'CASH_ON_DELIVERY',
      lines: [{ productId: randomUUID(), cylinderType: 'P13', expected: 2, collected: 1, unitAmount: 17_500 }],
      chargeAmount: 17_500,
      currency: 'BRL',
      at,
    });
    expect(who(intents)).toEqual([parties.customerId]);
    expect(render(intents[0]!).body).toMatch(/faltaram 1 botijão\(ões\) vazio\(s\) da troca\. Cobramos R\$\s175,00/);
  });

  it('tells the supplier their licence was approved and the last day it is valid', () => {
    const intents = intentsFor('licence.approved', {
      userId: parties.supplierId,
      documentId: randomUUID(),
      authorizationNumber: 'ANP-SP-0042',
      validUntil: '2028-06-30',
      reviewedBy: randomUUID(),
      approvedAt: at,
    });
    expect(who(intents)).toEqual([parties.supplierId]);
    expect(render(intents[0]!).body).toContain('ANP-SP-0042 foi aprovada e vale até 30/06/2028');
  });
});
