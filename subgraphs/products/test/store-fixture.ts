import { randomUUID } from 'node:crypto';
import type { Store } from '../src/stores/store.js';

/** Avenida Paulista, 1000: the fixture store's address. */
export const paulistaAddress = {
  street: 'Avenida Paulista',
  number: '1000',
  complement: null,
  district: 'Bela Vista',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01310100',
  latitude: -23.5654,
  longitude: -46.6523,
};

/** A store on Avenida Paulista, open every day 08:00–18:00, delivering within 5 km; a test overrides what it is about. */
export function storeFixture(overrides: Partial<Store> = {}): Store {
  return {
    id: randomUUID(),
    supplierId: randomUUID(),
    name: 'Gás da Paulista',
    address: { ...paulistaAddress },
    timeZone: 'America/Sao_Paulo',
    deliveryArea: { radiusMeters: 5_000, polygon: null },
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '18:00' })),
    exceptions: [],
    pause: null,
    resellerType: 'INDEPENDENT',
    brand: null,
    minimumOrderAmount: 0,
    currency: 'BRL',
    deliveryFee: { baseAmount: 500, perKmAmount: 100, freeAboveAmount: null },
    preparationMinutes: 10,
    autoAccept: false,
    active: true,
    revision: 1,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}
