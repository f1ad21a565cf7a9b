import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphSchemaPath } from '#kit';
import { validateCourierProfile, type CourierProfileInput } from '../src/profiles/profile-input.js';
import { capacityCeiling, DEFAULT_VEHICLE_CYLINDER_CLASSES, parseVehicleCylinderRules } from '../src/profiles/vehicles.js';

const rules = parseVehicleCylinderRules(DEFAULT_VEHICLE_CYLINDER_CLASSES);
const validate = (input: CourierProfileInput) => validateCourierProfile(input, rules);

const valid: CourierProfileInput = {
  vehicleType: 'MOTORCYCLE',
  vehiclePlate: 'abc-1234',
  capacity: [{ cylinderType: 'P13', quantity: 2 }],
  serviceArea: { latitude: -23.5505, longitude: -46.6333, radiusKm: 8 },
};

function problemsOf(input: CourierProfileInput): Array<{ field: string; message: string }> {
  try {
    validate(input);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions['fields'] as Array<{ field: string; message: string }>;
  }
  throw new Error('expected validateCourierProfile to refuse the input');
}

const fieldsOf = (input: CourierProfileInput) => problemsOf(input).map((problem) => problem.field);

describe('validateCourierProfile', () => {
  it('maps a valid profile to stored units, with the plate normalised and the radius in metres', () => {
    expect(validate(valid)).toEqual({
      vehicleType: 'MOTORCYCLE',
      vehiclePlate: 'ABC1234',
      capacities: [{ cylinderType: 'P13', quantity: 2 }],
      serviceAreaLatitude: -23.5505,
      serviceAreaLongitude: -46.6333,
      serviceAreaRadiusMeters: 8000,
    });
  });

  it('reports every invalid field at once', () => {
    const problems = problemsOf({
      vehicleType: 'VAN',
      vehiclePlate: 'AB-12',
      capacity: [{ cylinderType: 'P45', quantity: 0 }],
      serviceArea: { latitude: -91, longitude: 181, radiusKm: 0.4 },
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      'input.vehiclePlate',
      'input.capacity[0].quantity',
      'input.serviceArea.latitude',
      'input.serviceArea.longitude',
      'input.serviceArea.radiusKm',
    ]);
    expect(problems.every((problem) => problem.message.length > 0)).toBe(true);
  });

  it('requires a plate for a motor vehicle and refuses one for a cargo bike', () => {
    expect(fieldsOf({ ...valid, vehiclePlate: null })).toEqual(['input.vehiclePlate']);
    expect(fieldsOf({ ...valid, vehiclePlate: '   ' })).toEqual(['input.vehiclePlate']);
    const bike = { ...valid, vehicleType: 'CARGO_BIKE', capacity: [{ cylinderType: 'P5', quantity: 2 }] } as const;
    expect(fieldsOf({ ...bike, vehiclePlate: 'ABC1234' })).toEqual(['input.vehiclePlate']);
    expect(validate({ ...bike, vehiclePlate: null }).vehiclePlate).toBeNull();
  });

  it('accepts the Mercosul plate format', () => {
    expect(validate({ ...valid, vehiclePlate: 'bra2e19' }).vehiclePlate).toBe('BRA2E19');
  });

  it('holds capacity to what the vehicle can carry, and to 1..200 overall', () => {
    const p13 = (quantity: number) => [{ cylinderType: 'P13', quantity }] as const;
    expect(validate({ ...valid, capacity: p13(capacityCeiling.MOTORCYCLE) }).capacities).toEqual(p13(capacityCeiling.MOTORCYCLE));
    const [tooMuch] = problemsOf({ ...valid, capacity: p13(capacityCeiling.MOTORCYCLE + 1) });
    expect(tooMuch).toEqual({
      field: 'input.capacity[0].quantity',
      message: `must be at most ${capacityCeiling.MOTORCYCLE} for a MOTORCYCLE`,
    });
    expect(validate({ ...valid, vehicleType: 'TRUCK', capacity: p13(200) }).capacities).toEqual(p13(200));
    expect(fieldsOf({ ...valid, vehicleType: 'TRUCK', capacity: p13(201) })).toEqual(['input.capacity[0].quantity']);
    expect(fieldsOf({ ...valid, capacity: p13(1.5) })).toEqual(['input.capacity[0].quantity']);
  });

  it('refuses classes the vehicle may not carry: a motorcycle only P13, a car nothing', () => {
    expect(problemsOf({ ...valid, capacity: [{ cylinderType: 'P45', quantity: 1 }] })).toEqual([
      { field: 'input.capacity[0].cylinderType', message: 'a MOTORCYCLE may not carry P45: it may carry only P13' },
    ]);
    expect(fieldsOf({ ...valid, vehicleType: 'CAR', capacity: [{ cylinderType: 'P13', quantity: 1 }] })).toEqual(['input.vehicleType']);
    expect(fieldsOf({ ...valid, vehicleType: 'CARGO_BIKE', vehiclePlate: null, capacity: [{ cylinderType: 'P13', quantity: 1 }] })).toEqual(
      ['input.capacity[0].cylinderType'],
    );
    expect(
      validate({
        ...valid,
        vehicleType: 'VAN',
        capacity: [
          { cylinderType: 'P13', quantity: 40 },
          { cylinderType: 'P45', quantity: 12 },
        ],
      }).capacities,
    ).toHaveLength(2);
  });

  it('refuses a class named twice, an empty capacity, and neither or both ways of giving it', () => {
    expect(
      fieldsOf({
        ...valid,
        capacity: [
          { cylinderType: 'P13', quantity: 1 },
          { cylinderType: 'P13', quantity: 2 },
        ],
      }),
    ).toEqual(['input.capacity[1].cylinderType']);
    expect(fieldsOf({ ...valid, capacity: [] })).toEqual(['input.capacity']);
    expect(fieldsOf({ ...valid, capacity: null })).toEqual(['input.capacity']);
    expect(fieldsOf({ ...valid, capacityCylinders: 2 })).toEqual(['input.capacityCylinders']);
  });

  it('maps the deprecated single count to every class the vehicle may carry', () => {
    expect(validate({ ...valid, capacity: null, capacityCylinders: 3 }).capacities).toEqual([{ cylinderType: 'P13', quantity: 3 }]);
    expect(
      validate({ ...valid, vehicleType: 'CARGO_BIKE', vehiclePlate: null, capacity: null, capacityCylinders: 2 }).capacities.map(
        (capacity) => capacity.cylinderType,
      ),
    ).toEqual(['P2', 'P5', 'P8']);
    expect(fieldsOf({ ...valid, vehicleType: 'CAR', capacity: null, capacityCylinders: 2 })).toEqual(['input.vehicleType']);
  });

  it('accepts the edges of every range and refuses just past them', () => {
    const area = (serviceArea: Partial<CourierProfileInput['serviceArea']>) => ({
      ...valid,
      serviceArea: { ...valid.serviceArea, ...serviceArea },
    });
    expect(() => validate(area({ latitude: -90, longitude: 180, radiusKm: 0.5 }))).not.toThrow();
    expect(() => validate(area({ latitude: 90, longitude: -180, radiusKm: 100 }))).not.toThrow();
    expect(fieldsOf(area({ latitude: 90.0001 }))).toEqual(['input.serviceArea.latitude']);
    expect(fieldsOf(area({ longitude: -180.0001 }))).toEqual(['input.serviceArea.longitude']);
    expect(fieldsOf(area({ radiusKm: 100.001 }))).toEqual(['input.serviceArea.radiusKm']);
    // Rounded to metres only after the range check: 0.4996 km is not 500 m.
    expect(fieldsOf(area({ radiusKm: 0.4996 }))).toEqual(['input.serviceArea.radiusKm']);
    expect(fieldsOf(area({ latitude: Number.NaN }))).toEqual(['input.serviceArea.latitude']);
  });

  it('refuses the unset position 0, 0', () => {
    expect(fieldsOf({ ...valid, serviceArea: { latitude: 0, longitude: 0, radiusKm: 5 } })).toEqual(['input.serviceArea']);
  });

  it('documents the same capacity ceilings in the schema as it enforces', () => {
    const schema = readFileSync(subgraphSchemaPath('couriers'), 'utf8');
    for (const [vehicle, ceiling] of Object.entries(capacityCeiling)) {
      expect(schema).toMatch(new RegExp(`\\b${vehicle} ${ceiling}\\b`));
    }
  });
});
