import { describe, expect, it } from 'vitest';
import { openingState, zonedDate, zonedWallTime, type WeeklySchedule } from '../src/time/weekly-schedule.js';

const weekdays = (opens: string, closes: string) => [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens, closes }));
const saoPaulo: WeeklySchedule = { timeZone: 'America/Sao_Paulo', weekly: weekdays('08:00', '20:00'), exceptions: [] };

describe('weekly schedule', () => {
  it('reads local dates and wall times in the time zone (São Paulo is UTC-3)', () => {
    expect(zonedWallTime('2026-12-07', '08:00', 'America/Sao_Paulo').toISOString()).toBe('2026-12-07T11:00:00.000Z');
    expect(zonedDate(new Date('2026-12-08T02:00:00Z'), 'America/Sao_Paulo')).toEqual({ date: '2026-12-07', weekday: 1 });
    expect(zonedWallTime('2026-03-29', '02:30', 'Europe/Lisbon').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('is open inside the hours and says when it closes', () => {
    expect(openingState(saoPaulo, new Date('2026-12-07T12:00:00Z'))).toEqual({
      open: true,
      closesAt: new Date('2026-12-07T23:00:00Z'),
      nextOpensAt: null,
    });
  });

  it('is closed on Sunday and opens on Monday morning', () => {
    const state = openingState(saoPaulo, new Date('2026-12-06T15:00:00Z'));
    expect(state).toEqual({ open: false, closesAt: null, nextOpensAt: new Date('2026-12-07T11:00:00Z') });
  });

  it('a dated exception replaces the weekday: closed on a holiday, open on shorter hours another day', () => {
    const holiday: WeeklySchedule = {
      ...saoPaulo,
      exceptions: [
        { date: '2026-12-25', closed: true, hours: [] },
        { date: '2026-12-24', closed: false, hours: [{ opens: '08:00', closes: '12:00' }] },
      ],
    };
    expect(openingState(holiday, new Date('2026-12-25T12:00:00Z')).open).toBe(false);
    expect(openingState(holiday, new Date('2026-12-25T12:00:00Z')).nextOpensAt).toEqual(new Date('2026-12-26T11:00:00Z'));
    expect(openingState(holiday, new Date('2026-12-24T16:00:00Z'))).toMatchObject({ open: false });
    expect(openingState(holiday, new Date('2026-12-24T14:00:00Z'))).toMatchObject({
      open: true,
      closesAt: new Date('2026-12-24T15:00:00Z'),
    });
  });

  it('hours past midnight belong to the day they open', () => {
    const night: WeeklySchedule = {
      timeZone: 'America/Sao_Paulo',
      weekly: [{ weekday: 5, opens: '22:00', closes: '02:00' }],
      exceptions: [],
    };
    // Saturday 01:00 in São Paulo is inside Friday's 22:00–02:00.
    expect(openingState(night, new Date('2026-12-12T04:00:00Z'))).toMatchObject({ open: true, closesAt: new Date('2026-12-12T05:00:00Z') });
  });

  it('open around the clock never names a closing time within the look-ahead', () => {
    const always: WeeklySchedule = {
      timeZone: 'America/Manaus',
      weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
      exceptions: [],
    };
    expect(openingState(always, new Date('2026-12-07T12:00:00Z'))).toEqual({ open: true, closesAt: null, nextOpensAt: null });
  });

  it('no hours at all: closed, never opens', () => {
    expect(openingState({ timeZone: 'America/Sao_Paulo', weekly: [], exceptions: [] }, new Date())).toEqual({
      open: false,
      closesAt: null,
      nextOpensAt: null,
    });
  });
});
