import { describe, expect, it } from 'vitest';
import { judgeStore } from '../src/orders/store-judgement.js';
import { storeSnapshot } from './store-fixture.js';

// A Wednesday, 15:00 in São Paulo (UTC−3).
const afternoon = new Date('2026-12-09T18:00:00.000Z');
const nearby = { latitude: -23.5505, longitude: -46.6333 };
const codeOf = (judged: ReturnType<typeof judgeStore>) => judged.refusal?.extensions['code'] ?? 'TAKEN';

describe('judging a store for an order', () => {
  it('takes an order from an open, authorised store covering the point, with the distance', () => {
    const judged = judgeStore(storeSnapshot(), nearby, afternoon);
    expect(judged.refusal).toBeUndefined();
    expect(judged.distanceMeters).toBeGreaterThan(2_000);
    expect(judged.distanceMeters).toBeLessThan(3_000);
  });

  it('refuses a point outside the radius, or outside the polygon inside it, with the distance and radius', () => {
    const far = judgeStore(storeSnapshot({ deliveryArea: { radiusMeters: 1_000, polygon: null } }), nearby, afternoon);
    expect(far.refusal?.extensions).toMatchObject({ code: 'OUTSIDE_DELIVERY_AREA', radiusMeters: 1_000 });
    expect(far.refusal?.extensions['distanceMeters']).toBeGreaterThan(2_000);
    const westOnly = [
      { latitude: -23.5, longitude: -46.7 },
      { latitude: -23.6, longitude: -46.7 },
      { latitude: -23.6, longitude: -46.65 },
      { latitude: -23.5, longitude: -46.65 },
    ];
    expect(codeOf(judgeStore(storeSnapshot({ deliveryArea: { radiusMeters: 5_000, polygon: westOnly } }), nearby, afternoon))).toBe(
      'OUTSIDE_DELIVERY_AREA',
    );
  });

  it('refuses a closed store with its next opening', () => {
    const night = new Date('2026-12-09T23:30:00.000Z'); // 20:30 local
    const closed = judgeStore(storeSnapshot(), nearby, night);
    expect(closed.refusal?.extensions).toMatchObject({ code: 'STORE_CLOSED', nextOpensAt: '2026-12-10T11:00:00.000Z' });
    const holiday = storeSnapshot({ exceptions: [{ date: '2026-12-09', closed: true, hours: [], reason: 'Feriado' }] });
    expect(codeOf(judgeStore(holiday, nearby, afternoon))).toBe('STORE_CLOSED');
  });

  it('refuses a paused store with the pause’s end and reason, and takes orders again once it lifts', () => {
    const pause = { reason: 'Sem entregador', since: '2026-12-09T17:00:00.000Z', until: '2026-12-09T19:00:00.000Z' };
    const paused = judgeStore(storeSnapshot({ pause }), nearby, afternoon);
    expect(paused.refusal?.extensions).toMatchObject({ code: 'STORE_PAUSED', until: pause.until, reason: 'Sem entregador' });
    expect(codeOf(judgeStore(storeSnapshot({ pause }), nearby, new Date('2026-12-09T19:00:00.000Z')))).toBe('TAKEN');
  });

  it('refuses a store whose authorisation expired (judged on the store’s local date) or is missing', () => {
    const lastDay = storeSnapshot({ authorization: { number: 'ANP-1', validUntil: '2026-12-09' } });
    expect(codeOf(judgeStore(lastDay, nearby, afternoon))).toBe('TAKEN');
    // 22:30 on the 9th in São Paulo is already the 10th in UTC: still the last valid day there.
    expect(
      codeOf(
        judgeStore(
          {
            ...lastDay,
            openingHours: [],
            exceptions: [{ date: '2026-12-09', closed: false, hours: [{ opens: '00:00', closes: '24:00' }], reason: null }],
          },
          nearby,
          new Date('2026-12-10T01:30:00.000Z'),
        ),
      ),
    ).toBe('TAKEN');
    const expired = judgeStore(lastDay, nearby, new Date('2026-12-10T18:00:00.000Z'));
    expect(expired.refusal?.extensions).toMatchObject({ code: 'AUTHORIZATION_EXPIRED', validUntil: '2026-12-09' });
    expect(codeOf(judgeStore(storeSnapshot({ authorization: null }), nearby, afternoon))).toBe('AUTHORIZATION_EXPIRED');
  });

  it('refuses an inactive store', () => {
    expect(codeOf(judgeStore(storeSnapshot({ active: false }), nearby, afternoon))).toBe('STORE_UNAVAILABLE');
  });
});
