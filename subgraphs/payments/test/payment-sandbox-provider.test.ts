import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, databaseUrl, ensureDatabase, openDatabase, readServiceMigrations, type Database } from '#kit';
import { PaymentsDatabase } from '../src/database.js';
import { ProviderUnavailableError, type ChargeRequest } from '../src/provider/payment-provider.js';
import { SandboxProvider } from '../src/provider/sandbox-provider.js';

let database: Database<PaymentsDatabase>;
let sandbox: SandboxProvider;

beforeAll(async () => {
  const server = inject('postgresServerUrl');
  const name = `u${randomBytes(5).toString('hex')}_payments`;
  await ensureDatabase(server, name);
  const url = databaseUrl(server, name);
  await applyMigrations(url, await readServiceMigrations('payments'));
  database = openDatabase(PaymentsDatabase, { url, maxConnections: 4 });
  sandbox = new SandboxProvider(database.client);
});
afterAll(async () => {
  await database?.close();
});

const card = (cardToken: string, amount = 11_000): ChargeRequest => ({
  reference: randomUUID(),
  paymentId: randomUUID(),
  method: 'CARD',
  amount,
  currency: 'BRL',
  cardToken,
});
const rowsFor = (reference: string) => database.client.sandboxProviderTransaction.findMany({ where: { reference } });

/** CRC16-CCITT (0x1021, initial 0xFFFF) as BR Codes carry it. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

describe('the sandbox’s test card tokens', () => {
  it('tok_success captures at once, and the same reference never charges twice', async () => {
    const request = card('tok_success');
    const first = await sandbox.charge(request);
    expect(first).toMatchObject({ status: 'CAPTURED', amount: 11_000 });
    const again = await sandbox.charge(request);
    expect(again).toEqual(first);
    expect(await rowsFor(request.reference)).toHaveLength(1);
    expect(await sandbox.lookup(request.reference)).toEqual(first);
  });

  it('tok_decline and tok_insufficient_funds decline with their codes; an unknown token is declined', async () => {
    expect(await sandbox.charge(card('tok_decline'))).toMatchObject({ status: 'DECLINED', code: 'DECLINED' });
    expect(await sandbox.charge(card('tok_insufficient_funds'))).toMatchObject({ status: 'DECLINED', code: 'INSUFFICIENT_FUNDS' });
    expect(await sandbox.charge(card('tok_made_up'))).toMatchObject({ status: 'DECLINED', code: 'DECLINED' });
  });

  it('tok_timeout captures, then fails the call: only lookup learns the money was taken', async () => {
    const request = card('tok_timeout');
    await expect(sandbox.charge(request)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await sandbox.lookup(request.reference)).toMatchObject({ status: 'CAPTURED', amount: 11_000 });
    expect(await rowsFor(request.reference)).toHaveLength(1);
  });

  it('a withdrawn reference refuses the charge that arrives after it, so a late request never takes money', async () => {
    const request = card('tok_success');
    expect(await sandbox.lookup(request.reference)).toEqual({ status: 'NOT_FOUND' });
    expect(await sandbox.withdraw(request)).toMatchObject({ status: 'CANCELLED' });
    expect(await sandbox.charge(request)).toMatchObject({ status: 'CANCELLED' });
    expect(await rowsFor(request.reference)).toMatchObject([{ status: 'CANCELLED' }]);
  });

  it('withdrawing a captured card charge changes nothing and says it was captured', async () => {
    const request = card('tok_success');
    await sandbox.charge(request);
    expect(await sandbox.withdraw(request)).toMatchObject({ status: 'CAPTURED' });
  });

  it('tok_unreachable fails the call and records nothing', async () => {
    const request = card('tok_unreachable');
    await expect(sandbox.charge(request)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await sandbox.lookup(request.reference)).toEqual({ status: 'NOT_FOUND' });
    expect(await rowsFor(request.reference)).toHaveLength(0);
  });
});

describe('Pix in the sandbox', () => {
  const pix = (amount = 12_345): ChargeRequest => ({
    reference: randomUUID(),
    paymentId: randomUUID(),
    method: 'PIX',
    amount,
    currency: 'BRL',
  });

  it('answers with a BR Code copy-and-paste string and waits for the payer', async () => {
    const request = pix();
    const answer = await sandbox.charge(request);
    expect(answer.status).toBe('AWAITING_CONFIRMATION');
    const code = answer.status === 'AWAITING_CONFIRMATION' ? answer.pixCode : '';
    expect(code.startsWith('000201')).toBe(true);
    expect(code).toContain('br.gov.bcb.pix');
    expect(code).toContain('5406123.45');
    expect(code.slice(-4)).toBe(crc16(code.slice(0, -4)));
    expect(await sandbox.lookup(request.reference)).toMatchObject({ status: 'AWAITING_CONFIRMATION' });
  });

  it('is paid by the simulated payer once old enough, unless withdrawn first', async () => {
    const paid = pix();
    const withdrawn = pix();
    await sandbox.charge(paid);
    await sandbox.charge(withdrawn);
    expect(await sandbox.withdraw(withdrawn)).toMatchObject({ status: 'CANCELLED' });
    expect(await sandbox.settleDuePix(3_600)).not.toContain(paid.reference);
    const settled = await sandbox.settleDuePix(0);
    expect(settled).toContain(paid.reference);
    expect(settled).not.toContain(withdrawn.reference);
    expect(await sandbox.lookup(paid.reference)).toMatchObject({ status: 'CAPTURED', amount: 12_345 });
    expect(await sandbox.lookup(withdrawn.reference)).toMatchObject({ status: 'CANCELLED' });
    // Too late to withdraw a paid code: the answer says it was captured.
    expect(await sandbox.withdraw(paid)).toMatchObject({ status: 'CAPTURED' });
  });
});

describe('sandbox refunds', () => {
  async function captured(amount = 10_000) {
    const request = card('tok_success', amount);
    const answer = await sandbox.charge(request);
    if (answer.status !== 'CAPTURED') throw new Error('not captured');
    return { ...request, providerReference: answer.providerReference };
  }
  const refundOf = (charge: { paymentId: string; providerReference: string }, amount: number, reference = randomUUID()) => ({
    reference,
    paymentId: charge.paymentId,
    chargeReference: charge.providerReference,
    amount,
    currency: 'BRL',
  });

  it('return part, then the rest, and refuse anything beyond', async () => {
    const charge = await captured();
    expect(await sandbox.refund(refundOf(charge, 4_000))).toMatchObject({ status: 'REFUNDED' });
    expect(await sandbox.refund(refundOf(charge, 6_001))).toMatchObject({ status: 'REFUSED' });
    expect(await sandbox.refund(refundOf(charge, 6_000))).toMatchObject({ status: 'REFUNDED' });
    expect(await sandbox.refund(refundOf(charge, 1))).toMatchObject({ status: 'REFUSED' });
  });

  it('act once per reference', async () => {
    const charge = await captured();
    const request = refundOf(charge, 2_500);
    const first = await sandbox.refund(request);
    expect(await sandbox.refund(request)).toEqual(first);
    expect(await rowsFor(request.reference)).toHaveLength(1);
  });

  it('racing each other never return more than the charge', async () => {
    const charge = await captured(10_000);
    const answers = await Promise.all(Array.from({ length: 6 }, () => sandbox.refund(refundOf(charge, 4_000))));
    expect(answers.filter((answer) => answer.status === 'REFUNDED')).toHaveLength(2);
  });

  it('refuse a charge that was never captured', async () => {
    expect(
      await sandbox.refund({
        reference: randomUUID(),
        paymentId: randomUUID(),
        chargeReference: 'sbx_ch_nothing',
        amount: 1,
        currency: 'BRL',
      }),
    ).toMatchObject({ status: 'REFUSED' });
  });
});

describe('the sandbox’s transaction list', () => {
  it('holds the money that moved in the period: captures and refunds, nothing declined, waiting or refused', async () => {
    const from = new Date(Date.now() - 1_000);
    const ok = card('tok_success', 5_000);
    const answer = await sandbox.charge(ok);
    const declined = card('tok_decline');
    await sandbox.charge(declined);
    const waiting = { reference: randomUUID(), paymentId: randomUUID(), method: 'PIX' as const, amount: 700, currency: 'BRL' };
    await sandbox.charge(waiting);
    const refund = {
      reference: randomUUID(),
      paymentId: ok.paymentId,
      chargeReference: answer.providerReference,
      amount: 1_000,
      currency: 'BRL',
    };
    await sandbox.refund(refund);
    await sandbox.refund({ ...refund, reference: randomUUID(), amount: 9_999 });
    const listed = await sandbox.listTransactions(from, new Date(Date.now() + 1_000));
    const mine = listed.filter(
      (transaction) =>
        [ok.reference, declined.reference, waiting.reference, refund.reference].includes(transaction.reference) ||
        transaction.paymentId === ok.paymentId,
    );
    expect(mine.map(({ kind, amount, paymentId }) => ({ kind, amount, paymentId }))).toEqual([
      { kind: 'CAPTURE', amount: 5_000, paymentId: ok.paymentId },
      { kind: 'REFUND', amount: 1_000, paymentId: ok.paymentId },
    ]);
    expect(await sandbox.listTransactions(new Date(0), from)).not.toContainEqual(expect.objectContaining({ reference: ok.reference }));
  });
});
