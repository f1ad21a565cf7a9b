import { describe, expect, it } from 'vitest';
import { zonedWallTime } from '#kit';
import { OpeningHoursMemo } from '../src/stores/opening-hours-memo.js';
import { closedReason, storeState } from '../src/stores/store-status.js';
import type { Store, StoreAuthorization } from '../src/stores/store.js';
import { storeFixture as store } from './store-fixture.js';

const authorized: StoreAuthorization = { number: 'ANP-1', validUntil: '2030-12-31' };
/** 10:00 and 20:00 on a Tuesday in São Paulo. */
const morning = zonedWallTime('2026-12-08', '10:00', 'America/Sao_Paulo');
const evening = zonedWallTime('2026-12-08', '20:00', 'America/Sao_Paulo');
const memo = () => new OpeningHoursMemo();
const stateAt = (subject: Store, at: Date, authorization: StoreAuthorization | null = authorized) =>
  storeState(subject, authorization, at, memo().stateOf(subject, at));

describe('a store’s status', () => {
  it('is open in its hours and closed outside them, with the next opening', () => {
    expect(stateAt(store(), morning)).toMatchObject({ status: 'OPEN', openNow: true });
    const closed = stateAt(store(), evening);
    expect(closed).toMatchObject({ status: 'CLOSED', openNow: false });
    expect(closed.opensAt).toEqual(zonedWallTime('2026-12-09', '08:00', 'America/Sao_Paulo'));
  });

  it('follows a dated exception over the weekday', () => {
    const holiday = store({ exceptions: [{ date: '2026-12-08', closed: true, hours: [], reason: 'Feriado' }] });
    expect(stateAt(holiday, morning).status).toBe('CLOSED');
  });

  it('names the most fundamental reason first', () => {
    const paused = { reason: 'Sem entregador', since: new Date('2026-12-08T00:00:00Z'), until: null };
    expect(stateAt(store({ address: null, active: false }), morning).status).toBe('SETUP_REQUIRED');
    expect(stateAt(store({ active: false, pause: paused }), morning).status).toBe('INACTIVE');
    expect(stateAt(store({ pause: paused }), morning, null).status).toBe('NOT_AUTHORIZED');
    expect(stateAt(store({ pause: paused }), morning, { number: 'ANP-1', validUntil: '2026-12-07' }).status).toBe('AUTHORIZATION_EXPIRED');
    expect(stateAt(store({ pause: paused }), evening).status).toBe('PAUSED');
  });

  it('lifts a pause by itself at its end', () => {
    const pause = { reason: null, since: new Date(morning.getTime() - 60_000), until: new Date(morning.getTime() + 60_000) };
    expect(stateAt(store({ pause }), morning).status).toBe('PAUSED');
    expect(stateAt(store({ pause }), new Date(morning.getTime() + 60_000)).status).toBe('OPEN');
  });

  it('tells the owner, in Portuguese, when the authorisation expired', () => {
    const subject = store();
    const expired = { number: 'ANP-77', validUntil: '2026-01-31' };
    const state = stateAt(subject, morning, expired);
    expect(closedReason(subject, expired, state)).toBe(
      'A autorização da ANP ANP-77 venceu em 31/01/2026: envie a licença renovada para voltar a vender.',
    );
    expect(closedReason(subject, authorized, stateAt(subject, morning))).toBeNull();
  });
});

describe('the opening-hours memo', () => {
  it('answers as openingState does, across the closing time', () => {
    const shared = memo();
    const subject = store();
    const justBefore = zonedWallTime('2026-12-08', '17:59', 'America/Sao_Paulo');
    const atClosing = zonedWallTime('2026-12-08', '18:00', 'America/Sao_Paulo');
    expect(shared.stateOf(subject, morning).open).toBe(true);
    expect(shared.stateOf(subject, justBefore).open).toBe(true);
    // Remembered until the store closes, not a moment longer.
    expect(shared.stateOf(subject, atClosing).open).toBe(false);
  });

  it('forgets a store’s hours when the store changes', () => {
    const shared = memo();
    const subject = store();
    expect(shared.stateOf(subject, morning).open).toBe(true);
    const closedAllWeek = { ...subject, openingHours: [], revision: 2 };
    expect(shared.stateOf(closedAllWeek, morning).open).toBe(false);
  });
});
