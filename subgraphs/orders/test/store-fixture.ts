import { randomUUID } from 'node:crypto';
import type { StoreSnapshot } from '../../products/src/events/index.js';

/** A store on Avenida Paulista, open every day 08:00–20:00, delivering within 5 km. */
export function storeSnapshot(overrides: Partial<StoreSnapshot> = {}): StoreSnapshot {
  return {
    storeId: randomUUID(),
    supplierId: randomUUID(),
    revision: 1,
    name: 'Gás da Paulista',
    address: {
      street: 'Avenida Paulista',
      number: '1000',
      complement: null,
      district: 'Bela Vista',
      city: 'São Paulo',
      state: 'SP',
      postalCode: '01310100',
      latitude: -23.5614,
      longitude: -46.6559,
    },
    timeZone: 'America/Sao_Paulo',
    deliveryArea: { radiusMeters: 5_000, polygon: null },
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' })),
    exceptions: [],
    pause: null,
    authorization: { number: 'ANP-123', validUntil: '2099-12-31' },
    resellerType: 'INDEPENDENT',
    brand: null,
    minimumOrderAmount: 0,
    currency: 'BRL',
    deliveryFee: { baseAmount: 500, perKmAmount: 200, freeAboveAmount: null },
    preparationMinutes: 10,
    autoAccept: false,
    active: true,
    updatedAt: '2026-12-01T12:00:00.000Z',
    ...overrides,
  };
}
