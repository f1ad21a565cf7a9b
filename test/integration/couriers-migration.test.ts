import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, databaseUrl, ensureDatabase, readServiceMigrations } from '#kit';
import { queryRows } from '../support/sql.js';

// The migration to dispatch from the store (issue 17) runs on databases that already hold
// couriers' profiles and deliveries: each profile's single count becomes a capacity per class its
// vehicle may carry, and each delivery's cylinders become household P13s.

const MIGRATION = '20261207235500_stores_dispatch';
const serverUrl = inject('postgresServerUrl');
const databases: string[] = [];

afterAll(async () => {
  for (const name of databases.splice(0)) await queryRows(serverUrl, `drop database if exists ${name} with (force)`);
});

describe(`couriers' migration ${MIGRATION}`, () => {
  it('maps existing profiles to capacity per class under the default vehicle rules, and existing deliveries to P13s', async () => {
    const name = `couriers_migration_${randomBytes(6).toString('hex')}`;
    await ensureDatabase(serverUrl, name);
    databases.push(name);
    const url = databaseUrl(serverUrl, name);
    const migrations = await readServiceMigrations('couriers');
    const before = migrations.filter((migration) => migration.name < MIGRATION);
    expect(before.length).toBeLessThan(migrations.length);
    await applyMigrations(url, before);

    const profiles = { motorcycle: randomUUID(), car: randomUUID(), bike: randomUUID(), truck: randomUUID() };
    const profile = (userId: string, vehicle: string, plate: string | null, capacity: number) =>
      queryRows(
        url,
        `insert into courier_profiles (user_id, vehicle_type, vehicle_plate, capacity_cylinders, service_area_latitude,
           service_area_longitude, service_area_radius_meters, updated_at)
         values ($1, $2::"VehicleType", $3, $4, -23.55, -46.63, 10000, now())`,
        [userId, vehicle, plate, capacity],
      );
    await profile(profiles.motorcycle, 'MOTORCYCLE', 'ABC1234', 3);
    await profile(profiles.car, 'CAR', 'BRA2E19', 6);
    await profile(profiles.bike, 'CARGO_BIKE', null, 2);
    await profile(profiles.truck, 'TRUCK', 'GAS2R26', 150);
    const orderId = randomUUID();
    await queryRows(
      url,
      `insert into deliveries (order_id, customer_id, supplier_id, cylinder_count, latitude, longitude, status, courier_id,
         code_hash, search_started_at, updated_at)
       values ($1, $2, $3, 2, -23.56, -46.65, 'ASSIGNED', $4, 'a-code-hash', now(), now())`,
      [orderId, randomUUID(), randomUUID(), profiles.motorcycle],
    );
    await queryRows(
      url,
      `insert into delivery_offers (id, order_id, courier_id, distance_meters, status, offered_at, expires_at)
       values ($1, $2, $3, 1200, 'ACCEPTED', now(), now() + interval '1 minute')`,
      [randomUUID(), orderId, profiles.motorcycle],
    );

    expect(await applyMigrations(url, migrations)).toEqual({ applied: [MIGRATION], alreadyApplied: before.length });

    const capacities = await queryRows<{ user_id: string; cylinder_type: string; quantity: number }>(
      url,
      'select user_id, cylinder_type::text, quantity from courier_capacities c order by c.user_id, c.cylinder_type',
    );
    const of = (userId: string) => capacities.filter((row) => row.user_id === userId).map((row) => `${row.quantity}×${row.cylinder_type}`);
    expect(of(profiles.motorcycle)).toEqual(['3×P13']);
    expect(of(profiles.car)).toEqual([]);
    expect(of(profiles.bike)).toEqual(['2×P2', '2×P5', '2×P8']);
    expect(of(profiles.truck)).toEqual(['150×P2', '150×P5', '150×P8', '150×P13', '150×P20', '150×P45', '150×P90']);
    // The profiles themselves are kept, platform couriers in no fleet.
    const kept = await queryRows<{ count: string; in_fleet: string }>(
      url,
      'select count(*)::text as count, count(fleet_supplier_id)::text as in_fleet from courier_profiles',
    );
    expect(kept).toEqual([{ count: '4', in_fleet: '0' }]);

    expect(
      await queryRows(
        url,
        'select cylinder_type::text, quantity, empties_to_collect, empties_collected from delivery_cylinders where order_id = $1',
        [orderId],
      ),
    ).toEqual([{ cylinder_type: 'P13', quantity: 2, empties_to_collect: 0, empties_collected: null }]);
    const [delivery] = await queryRows<{ store_id: string | null; promised_by: Date | null }>(
      url,
      'select store_id, promised_by from deliveries where order_id = $1',
      [orderId],
    );
    expect(delivery).toEqual({ store_id: null, promised_by: null });
    const [offer] = await queryRows<{ pickup_distance_meters: number | null; distance_meters: number }>(
      url,
      'select distance_meters, pickup_distance_meters from delivery_offers where order_id = $1',
      [orderId],
    );
    expect(offer).toEqual({ distance_meters: 1200, pickup_distance_meters: null });
  });
});
