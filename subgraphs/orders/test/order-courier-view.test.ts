import { describe, expect, it } from 'vitest';
import { Role, type Viewer } from '#kit';
import { firstNameOf } from '../src/consumers/courier-view.js';
import type { OrderStatus } from '../src/database.js';
import { canSee, courierViewOf } from '../src/orders/order-access.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const later = new Date(NOW.getTime() + 60_000);
const earlier = new Date(NOW.getTime() - 60_000);
const COURIER = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

const viewer = (userId: string, roles: Role[] = [Role.COURIER]): Viewer => ({
  userId,
  roles,
  tokenId: 'token',
  issuedAt: 0,
  expiresAt: 0,
  mfaAuthenticatedAt: null,
  verified: true,
});

interface Row {
  courierId: string;
  offeredUntil: Date;
  assignedAt?: Date | null;
  endedAt?: Date | null;
}

const order = (status: OrderStatus, rows: Row[]) => ({
  status,
  customerId: '00000000-0000-4000-8000-0000000000d1',
  supplierId: '00000000-0000-4000-8000-0000000000e1',
  couriers: rows.map((row) => ({ orderId: 'o', offerId: 'f', assignedAt: null, endedAt: null, ...row })),
});

describe('what a courier sees of an order', () => {
  it('is the outline while their offer is open and nobody carries the order', () => {
    expect(courierViewOf(viewer(COURIER), order('CONFIRMED', [{ courierId: COURIER, offeredUntil: later }]), NOW)).toBe('OFFERED');
  });

  it('is nothing once the offer lapsed, another courier took the order, or the order moved on', () => {
    expect(courierViewOf(viewer(COURIER), order('CONFIRMED', [{ courierId: COURIER, offeredUntil: earlier }]), NOW)).toBeNull();
    const taken = order('CONFIRMED', [
      { courierId: COURIER, offeredUntil: later },
      { courierId: OTHER, offeredUntil: later, assignedAt: NOW },
    ]);
    expect(courierViewOf(viewer(COURIER), taken, NOW)).toBeNull();
    expect(courierViewOf(viewer(COURIER), order('CANCELLED', [{ courierId: COURIER, offeredUntil: later }]), NOW)).toBeNull();
  });

  it('is the door while they carry it, and the record once the delivery ended or went to another courier', () => {
    const carrying = (status: OrderStatus, endedAt: Date | null = null) =>
      order(status, [{ courierId: COURIER, offeredUntil: earlier, assignedAt: earlier, endedAt }]);
    expect(courierViewOf(viewer(COURIER), carrying('CONFIRMED'), NOW)).toBe('ASSIGNED');
    expect(courierViewOf(viewer(COURIER), carrying('IN_TRANSIT'), NOW)).toBe('ASSIGNED');
    expect(courierViewOf(viewer(COURIER), carrying('DELIVERED'), NOW)).toBe('CARRIED');
    expect(courierViewOf(viewer(COURIER), carrying('CANCELLED'), NOW)).toBe('CARRIED');
    expect(courierViewOf(viewer(COURIER), carrying('IN_TRANSIT', NOW), NOW)).toBe('CARRIED');
  });

  it('is nothing for a courier never offered the order, or a user without the courier role', () => {
    const offered = order('CONFIRMED', [{ courierId: COURIER, offeredUntil: later }]);
    expect(courierViewOf(viewer(OTHER), offered, NOW)).toBeNull();
    expect(courierViewOf(viewer(COURIER, [Role.CUSTOMER]), offered, NOW)).toBeNull();
    expect(canSee(viewer(OTHER), offered)).toBe(false);
  });
});

describe('the first name a courier asks for at the door', () => {
  it('is the first word of the display name', () => {
    expect(firstNameOf('  Joana Maria da Silva ')).toBe('Joana');
    expect(firstNameOf('Zé')).toBe('Zé');
  });
});
