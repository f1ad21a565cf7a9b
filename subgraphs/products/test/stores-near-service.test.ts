import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { zonedWallTime } from '#kit';
import type { Product } from '../src/catalog/product-store.js';
import type { AddressPointStore } from '../src/nearby/address-point-store.js';
import type { CandidateStore, NearbyStoreStore, ProductMatch } from '../src/nearby/nearby-store-store.js';
import { StoresNearService } from '../src/nearby/stores-near-service.js';
import { OpeningHoursMemo } from '../src/stores/opening-hours-memo.js';
import type { Store } from '../src/stores/store.js';
import { paulistaAddress, storeFixture } from './store-fixture.js';

const customer = { latitude: -23.5654, longitude: -46.6523 };
/** 10:00 on a Tuesday in São Paulo. */
const morning = zonedWallTime('2026-12-08', '10:00', 'America/Sao_Paulo');

/** A store open around the clock, `meters` north of the customer. */
function storeNorth(meters: number): Store {
  return storeFixture({
    name: `Revenda a ${meters} m`,
    address: { ...paulistaAddress, latitude: customer.latitude + meters / 111_195, longitude: customer.longitude },
    deliveryArea: { radiusMeters: 10_000, polygon: null },
    openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
    createdAt: morning,
    updatedAt: morning,
  });
}

function product(store: Store, priceCents: number): Product {
  return {
    id: randomUUID(),
    supplierId: store.supplierId,
    storeId: store.id,
    brand: 'Liquigás',
    saleType: 'REFILL_EXCHANGE',
    name: 'Botijão P13',
    description: '',
    cylinderType: 'P13',
    sizeGrams: 13_000,
    priceCents,
    currency: 'BRL',
    stockQuantity: 10,
    lowStockThreshold: null,
    active: true,
    createdAt: morning,
    updatedAt: morning,
  };
}

/** The reads as the database would answer them, remembering which stores' products were asked for. */
function nearbyReads(candidates: CandidateStore[], products: Product[]) {
  const asked: string[][] = [];
  const reads: NearbyStoreStore = {
    candidatesCovering: async () => candidates,
    matchingProducts: async (storeIds: readonly string[], _match: ProductMatch) => {
      asked.push([...storeIds]);
      return products.filter((found) => storeIds.includes(found.storeId)).sort((a, b) => a.priceCents - b.priceCents);
    },
  };
  return { reads, asked };
}

const noAddresses: AddressPointStore = {
  find: async () => null,
  save: async () => {},
  remove: async () => {},
};
const authorization = { number: 'ANP-1', validUntil: '2099-12-31' };

describe('storesNear’s service', () => {
  it('ranks on the cheapest prices and loads the products of the listed stores only', async () => {
    const stores = [storeNorth(1_000), storeNorth(2_000), storeNorth(3_000)];
    const prices = [12_000, 10_000, 11_000];
    const products = stores.flatMap((store, index) => [product(store, prices[index]!), product(store, prices[index]! + 500)]);
    const { reads, asked } = nearbyReads(
      stores.map((store, index) => ({ store, authorization, cheapestPriceAmount: prices[index]! })),
      products,
    );
    const service = new StoresNearService(reads, noAddresses, new OpeningHoursMemo());

    const found = await service.find(null, { near: customer, first: 2 }, morning);

    expect(found.map((entry) => entry.store.id)).toEqual([stores[1]!.id, stores[2]!.id]);
    expect(asked).toEqual([[stores[1]!.id, stores[2]!.id]]);
    expect(found[0]!.products.map((entry) => entry.priceCents)).toEqual([10_000, 10_500]);
    // 2 km: R$ 5,00 plus R$ 1,00 a km.
    expect(found[0]).toMatchObject({ cheapestPriceAmount: 10_000, deliveryFeeAmount: 700, totalAmount: 10_700 });
  });

  it('prices a store by what it sells when its products are loaded, and leaves out one sold out meanwhile', async () => {
    const [repriced, soldOut] = [storeNorth(1_000), storeNorth(2_000)];
    const { reads } = nearbyReads(
      [
        { store: repriced, authorization, cheapestPriceAmount: 10_000 },
        { store: soldOut, authorization, cheapestPriceAmount: 10_000 },
      ],
      [product(repriced, 10_400)],
    );
    const service = new StoresNearService(reads, noAddresses, new OpeningHoursMemo());

    const found = await service.find(null, { near: customer, quantity: 2 }, morning);

    expect(found.map((entry) => entry.store.id)).toEqual([repriced.id]);
    expect(found[0]).toMatchObject({ cheapestPriceAmount: 10_400, subtotalAmount: 20_800, deliveryFeeAmount: 600, totalAmount: 21_400 });
  });

  it('sends no second read when no store delivers', async () => {
    const { reads, asked } = nearbyReads([{ store: storeNorth(20_000), authorization, cheapestPriceAmount: 10_000 }], []);
    const service = new StoresNearService(reads, noAddresses, new OpeningHoursMemo());

    expect(await service.find(null, { near: customer }, morning)).toEqual([]);
    expect(asked).toEqual([]);
  });
});
