import type { GeoPoint } from '#kit';
import { cepFixture } from './cep-fixture.js';

/**
 * Finds where an address is when a client saved it without coordinates. The project ships no
 * geocoding service: the fixture answers for a few São Paulo CEPs, and a real one (a CEP
 * database, or a provider's API) plugs in behind this port (docs/orders.md says how).
 */
export interface Geocoder {
  /** The point of a CEP (8 digits), or null when unknown. */
  locate(address: { postalCode: string; street: string; number: string; city: string; state: string }): Promise<GeoPoint | null>;
}

/** Answers from a table of CEPs (cep-fixture.ts in this folder by default). */
export function fixtureGeocoder(table: Readonly<Record<string, GeoPoint>> = cepFixture): Geocoder {
  return {
    locate: async ({ postalCode }) => table[postalCode] ?? null,
  };
}

/** No geocoding: clients must send coordinates. */
export const noGeocoder: Geocoder = { locate: async () => null };
