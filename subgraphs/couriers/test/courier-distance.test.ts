import { describe, expect, it } from 'vitest';
import { rankCouriers } from '../src/delivery/assignment.js';
import { deliveryCode, hashDeliveryCode, matchesDeliveryCode } from '../src/delivery/delivery-code.js';
import { greatCircleMeters } from '#kit';
import { boundingBox, isPlausiblePosition } from '../src/delivery/distance.js';

const saoPaulo = { latitude: -23.5505, longitude: -46.6333 };
const rioDeJaneiro = { latitude: -22.9068, longitude: -43.1729 };
const brasilia = { latitude: -15.7939, longitude: -47.8828 };
const lisbon = { latitude: 38.7223, longitude: -9.1393 };
const london = { latitude: 51.5074, longitude: -0.1278 };
const paris = { latitude: 48.8566, longitude: 2.3522 };

describe('great-circle distance', () => {
  it.each([
    ['São Paulo to Rio de Janeiro', saoPaulo, rioDeJaneiro, 361_000],
    ['São Paulo to Brasília', saoPaulo, brasilia, 873_000],
    ['London to Paris', london, paris, 343_500],
    ['São Paulo to Lisbon', saoPaulo, lisbon, 7_930_000],
  ])('measures %s within half a percent of the published distance', (_name, from, to, published) => {
    expect(Math.abs(greatCircleMeters(from, to) - published) / published).toBeLessThan(0.005);
  });

  it('is zero from a point to itself and the same both ways', () => {
    expect(greatCircleMeters(saoPaulo, saoPaulo)).toBe(0);
    expect(greatCircleMeters(saoPaulo, rioDeJaneiro)).toBeCloseTo(greatCircleMeters(rioDeJaneiro, saoPaulo), 6);
  });

  it('measures across the antimeridian the short way', () => {
    expect(greatCircleMeters({ latitude: 0, longitude: 179.9 }, { latitude: 0, longitude: -179.9 })).toBeLessThan(23_000);
  });
});

describe('bounding box', () => {
  it('holds every point at the radius in each direction', () => {
    const box = boundingBox(saoPaulo, 100_000);
    for (const bearing of [0, 45, 90, 135, 180, 225, 270, 315]) {
      // A point about 99.9 km away along the bearing, by a small-step walk.
      const angle = (bearing * Math.PI) / 180;
      const dLat = (99_900 / 111_195) * Math.cos(angle);
      const dLon = ((99_900 / 111_195) * Math.sin(angle)) / Math.cos((saoPaulo.latitude * Math.PI) / 180);
      const point = { latitude: saoPaulo.latitude + dLat, longitude: saoPaulo.longitude + dLon };
      if (greatCircleMeters(saoPaulo, point) > 100_000) continue;
      expect(point.latitude).toBeGreaterThanOrEqual(box.minLatitude);
      expect(point.latitude).toBeLessThanOrEqual(box.maxLatitude);
      expect(point.longitude).toBeGreaterThanOrEqual(box.minLongitude);
      expect(point.longitude).toBeLessThanOrEqual(box.maxLongitude);
    }
  });

  it('wraps across the antimeridian and takes every longitude near a pole', () => {
    const wrapped = boundingBox({ latitude: 0, longitude: 179.5 }, 100_000);
    expect(wrapped.minLongitude).toBeGreaterThan(wrapped.maxLongitude);
    expect(boundingBox({ latitude: 89.5, longitude: 0 }, 100_000)).toMatchObject({
      minLongitude: -180,
      maxLongitude: 180,
      maxLatitude: 90,
    });
  });
});

describe('courier ranking', () => {
  const customer = { latitude: -23.55, longitude: -46.63 };
  const supplierId = 'supplier-1';
  const candidate = (
    userId: string,
    latitude: number,
    longitude: number,
    options: { radiusMeters?: number; position?: { latitude: number; longitude: number }; fleetSupplierId?: string } = {},
  ) => ({
    userId,
    areaCentre: { latitude, longitude },
    radiusMeters: options.radiusMeters ?? 10_000,
    position: options.position ?? null,
    fleetSupplierId: options.fleetSupplierId ?? null,
  });
  const straight = { pickup: null, dropOff: customer };

  it('without a pickup, chooses the nearest courier whose area contains the customer', () => {
    const [chosen] = rankCouriers(
      [candidate('far', -23.6, -46.63), candidate('near', -23.56, -46.63), candidate('outside', -23.551, -46.63, { radiusMeters: 100 })],
      straight,
      supplierId,
    );
    expect(chosen?.userId).toBe('near');
    expect(chosen?.distanceMeters).toBeGreaterThan(1_000);
    expect(chosen).toMatchObject({ pickupDistanceMeters: null, dropOffDistanceMeters: null, fleet: false });
  });

  it('measures from the live position when the courier sent one', () => {
    const [chosen] = rankCouriers(
      [candidate('a', -23.56, -46.63), candidate('b', -23.6, -46.63, { position: { latitude: -23.5501, longitude: -46.63 } })],
      straight,
      supplierId,
    );
    expect(chosen?.userId).toBe('b');
  });

  it('finds nobody when no area contains the point', () => {
    expect(rankCouriers([candidate('x', -22.9, -43.17, { radiusMeters: 50_000 })], straight, supplierId)).toEqual([]);
  });

  it('with a store, ranks by the ride to the store plus the store-to-customer leg', () => {
    // The store is 4.4 km north of the customer; "by the customer" waits next to the customer.
    const store = { latitude: -23.51, longitude: -46.63 };
    const ranked = rankCouriers(
      [candidate('by the customer', -23.551, -46.63), candidate('by the store', -23.505, -46.63)],
      { pickup: store, dropOff: customer },
      supplierId,
    );
    expect(ranked.map((courier) => courier.userId)).toEqual(['by the store', 'by the customer']);
    const [best] = ranked;
    expect(best?.pickupDistanceMeters).toBeGreaterThan(500);
    expect(best?.dropOffDistanceMeters).toBeGreaterThan(4_000);
    expect(best?.distanceMeters).toBe((best?.pickupDistanceMeters ?? 0) + (best?.dropOffDistanceMeters ?? 0));
  });

  it("needs the courier's area to contain both the store and the customer", () => {
    const store = { latitude: -23.45, longitude: -46.63 };
    // Centred on the store with 5 km: the customer, 11 km away, is outside.
    expect(
      rankCouriers([candidate('store only', -23.45, -46.63, { radiusMeters: 5_000 })], { pickup: store, dropOff: customer }, supplierId),
    ).toEqual([]);
    // Centred on the customer with 5 km: the store is outside.
    expect(
      rankCouriers([candidate('customer only', -23.55, -46.63, { radiusMeters: 5_000 })], { pickup: store, dropOff: customer }, supplierId),
    ).toEqual([]);
  });

  it("puts the supplier's own fleet before nearer platform couriers, and other suppliers' fleets with the platform", () => {
    const store = { latitude: -23.51, longitude: -46.63 };
    const ranked = rankCouriers(
      [
        candidate('platform, at the store', -23.51, -46.63),
        candidate('fleet, farther', -23.53, -46.63, { fleetSupplierId: supplierId }),
        candidate('other fleet, near', -23.511, -46.63, { fleetSupplierId: 'supplier-2' }),
      ],
      { pickup: store, dropOff: customer },
      supplierId,
    );
    expect(ranked.map((courier) => [courier.userId, courier.fleet])).toEqual([
      ['fleet, farther', true],
      ['platform, at the store', false],
      ['other fleet, near', false],
    ]);
  });
});

describe('delivery code', () => {
  it('is six digits, stable for one offer and different for another', () => {
    const code = deliveryCode('secret-0123456789abcdef', '4c9a3d5e-0000-4000-8000-000000000001', '4c9a3d5e-0000-4000-8000-000000000002');
    expect(code).toMatch(/^\d{6}$/);
    expect(deliveryCode('secret-0123456789abcdef', '4c9a3d5e-0000-4000-8000-000000000001', '4c9a3d5e-0000-4000-8000-000000000002')).toBe(
      code,
    );
    expect(
      deliveryCode('secret-0123456789abcdef', '4c9a3d5e-0000-4000-8000-000000000001', '4c9a3d5e-0000-4000-8000-000000000003'),
    ).not.toBe(code);
  });

  it('is checked against its hash only', () => {
    const hash = hashDeliveryCode('012345');
    expect(matchesDeliveryCode('012345', hash)).toBe(true);
    expect(matchesDeliveryCode(' 012345 ', hash)).toBe(true);
    expect(matchesDeliveryCode('012346', hash)).toBe(false);
  });
});

describe('plausible positions', () => {
  it('refuses impossible coordinates and the 0, 0 of a device without a fix', () => {
    expect(isPlausiblePosition(saoPaulo)).toBe(true);
    expect(isPlausiblePosition({ latitude: 91, longitude: 0 })).toBe(false);
    expect(isPlausiblePosition({ latitude: 0, longitude: -180.5 })).toBe(false);
    expect(isPlausiblePosition({ latitude: Number.NaN, longitude: 0 })).toBe(false);
    expect(isPlausiblePosition({ latitude: 0, longitude: 0 })).toBe(false);
  });
});
