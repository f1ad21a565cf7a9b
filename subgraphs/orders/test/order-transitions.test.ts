import { describe, expect, it } from 'vitest';
import type { OrderActorRole, OrderStatus } from '../src/database.js';
import { checkTransition, movesFrom, transitionError, transitions } from '../src/orders/order-transitions.js';

const statuses: OrderStatus[] = ['PENDING_PAYMENT', 'AWAITING_ACCEPTANCE', 'CONFIRMED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED'];
const actors: OrderActorRole[] = ['CUSTOMER', 'SUPPLIER', 'ADMIN', 'SYSTEM'];

describe('the order status machine', () => {
  it('is exactly the table of the issue: who may make each move', () => {
    expect(transitions.map((move) => `${move.from} → ${move.to}: ${[...move.by].sort().join(', ')}`)).toEqual([
      'PENDING_PAYMENT → AWAITING_ACCEPTANCE: SYSTEM',
      'PENDING_PAYMENT → CONFIRMED: SYSTEM',
      'AWAITING_ACCEPTANCE → CONFIRMED: ADMIN, SUPPLIER',
      'CONFIRMED → IN_TRANSIT: ADMIN, SUPPLIER, SYSTEM',
      'IN_TRANSIT → DELIVERED: ADMIN, SYSTEM',
      'PENDING_PAYMENT → CANCELLED: ADMIN, CUSTOMER, SUPPLIER, SYSTEM',
      'AWAITING_ACCEPTANCE → CANCELLED: ADMIN, CUSTOMER, SUPPLIER, SYSTEM',
      'CONFIRMED → CANCELLED: ADMIN, CUSTOMER, SUPPLIER',
    ]);
  });

  it('allows a move exactly when the table lists it for the actor', () => {
    for (const from of statuses) {
      for (const to of statuses) {
        for (const actor of actors) {
          const listed = transitions.some((move) => move.from === from && move.to === to && move.by.includes(actor));
          expect(checkTransition(from, to, [actor]).allowed, `${from} → ${to} by ${actor}`).toBe(listed);
        }
      }
    }
  });

  it('has no way out of DELIVERED or CANCELLED, and no cycles', () => {
    expect(movesFrom('DELIVERED')).toEqual([]);
    expect(movesFrom('CANCELLED')).toEqual([]);
    const reachable = (from: OrderStatus, seen: OrderStatus[] = []): boolean =>
      movesFrom(from).every((move) => !seen.includes(move.to) && move.to !== from && reachable(move.to, [...seen, from]));
    expect(statuses.every((status) => reachable(status))).toBe(true);
  });

  it('refuses a move the status does not allow with CONFLICT, saying what is allowed from here', () => {
    const check = checkTransition('IN_TRANSIT', 'CANCELLED', ['CUSTOMER']);
    expect(check).toMatchObject({ allowed: false, code: 'CONFLICT' });
    if (check.allowed) return;
    expect(check.message).toContain('IN_TRANSIT');
    expect(check.message).toContain('DELIVERED (by an admin or its courier with the customer’s delivery code)');
    const error = transitionError(check, 'IN_TRANSIT', 'CANCELLED');
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'IN_TRANSIT', requestedStatus: 'CANCELLED' });
  });

  it('says a final status is final', () => {
    const check = checkTransition('DELIVERED', 'CANCELLED', ['ADMIN']);
    expect(check).toMatchObject({ allowed: false, code: 'CONFLICT' });
    if (!check.allowed) expect(check.message).toMatch(/DELIVERED, a final status/);
    expect(checkTransition('CANCELLED', 'CANCELLED', ['CUSTOMER'])).toMatchObject({
      allowed: false,
      code: 'CONFLICT',
      message: 'This order is already CANCELLED.',
    });
  });

  it('refuses someone who may never make the move with FORBIDDEN, whatever the status', () => {
    for (const from of statuses) {
      expect(checkTransition(from, 'IN_TRANSIT', ['CUSTOMER'])).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
      expect(checkTransition(from, 'CONFIRMED', ['CUSTOMER'])).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    }
    const error = checkTransition('CONFIRMED', 'IN_TRANSIT', ['CUSTOMER']);
    if (!error.allowed) expect(transitionError(error, 'CONFIRMED', 'IN_TRANSIT').extensions['code']).toBe('FORBIDDEN');
  });

  it('lets nobody but the courier with the code, or an admin resolving it, deliver: not the supplier', () => {
    const bySupplier = checkTransition('IN_TRANSIT', 'DELIVERED', ['SUPPLIER']);
    expect(bySupplier).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    if (!bySupplier.allowed)
      expect(bySupplier.message).toBe('Only an admin or its courier with the customer’s delivery code may move an order to DELIVERED.');
    expect(checkTransition('IN_TRANSIT', 'DELIVERED', ['SUPPLIER', 'ADMIN'])).toEqual({ allowed: true, actor: 'ADMIN' });
    expect(checkTransition('IN_TRANSIT', 'DELIVERED', ['SYSTEM'])).toEqual({ allowed: true, actor: 'SYSTEM' });
  });

  it('refuses the saga a move only people may make', () => {
    expect(checkTransition('CONFIRMED', 'CANCELLED', ['SYSTEM'])).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });

  it('records the most specific relation the move allows: the customer before the admin', () => {
    expect(checkTransition('CONFIRMED', 'CANCELLED', ['CUSTOMER', 'ADMIN'])).toEqual({ allowed: true, actor: 'CUSTOMER' });
    expect(checkTransition('CONFIRMED', 'IN_TRANSIT', ['CUSTOMER', 'ADMIN'])).toEqual({ allowed: true, actor: 'ADMIN' });
  });
});
