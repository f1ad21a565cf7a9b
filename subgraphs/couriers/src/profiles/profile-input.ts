import { invalidInput, type FieldProblem } from '#kit';
import type { CylinderType, VehicleType } from '../database.js';
import { normaliseVehiclePlate } from './vehicle-plate.js';
import { capacityCeiling, carriedClasses, carriesPlate, MAX_CAPACITY_CYLINDERS, type VehicleCylinderRules } from './vehicles.js';

export const MIN_RADIUS_KM = 0.5;
export const MAX_RADIUS_KM = 100;

/** A saved profile replaces the previous one whole, so every field but the plate is required. */
export interface CourierProfileInput {
  vehicleType: VehicleType;
  /** Required for motor vehicles, absent for a cargo bike. */
  vehiclePlate?: string | null;
  /** How many of each class the vehicle carries when loaded with that class only. */
  capacity?: readonly CylinderCapacity[] | null;
  /** Deprecated: one count for every class the vehicle may carry (how profiles were saved before issue 17). */
  capacityCylinders?: number | null;
  serviceArea: { latitude: number; longitude: number; radiusKm: number };
}

export interface CylinderCapacity {
  cylinderType: CylinderType;
  quantity: number;
}

/** A validated profile, in stored units. */
export interface CourierProfileFields {
  vehicleType: VehicleType;
  vehiclePlate: string | null;
  capacities: CylinderCapacity[];
  serviceAreaLatitude: number;
  serviceAreaLongitude: number;
  serviceAreaRadiusMeters: number;
}

const between = (value: number, min: number, max: number) => Number.isFinite(value) && value >= min && value <= max;

/** Validates a profile against the vehicle rules, reporting every problem at once, and maps it to stored columns. */
export function validateCourierProfile(input: CourierProfileInput, rules: VehicleCylinderRules): CourierProfileFields {
  const problems: FieldProblem[] = [];
  const { vehicleType, serviceArea } = input;

  let vehiclePlate: string | null = null;
  const writtenPlate = input.vehiclePlate?.trim() ?? '';
  if (!carriesPlate(vehicleType)) {
    if (writtenPlate !== '')
      problems.push({ field: 'input.vehiclePlate', message: `must be left out: a ${vehicleType} has no licence plate` });
  } else if (writtenPlate === '') {
    problems.push({ field: 'input.vehiclePlate', message: `is required for a ${vehicleType}` });
  } else {
    vehiclePlate = normaliseVehiclePlate(writtenPlate);
    if (vehiclePlate === null) {
      problems.push({ field: 'input.vehiclePlate', message: 'must be a Brazilian plate: ABC1234 (or ABC-1234) or Mercosul ABC1D23' });
    }
  }

  const capacities = validateCapacity(input, rules, problems);

  const latitudeValid = between(serviceArea.latitude, -90, 90);
  const longitudeValid = between(serviceArea.longitude, -180, 180);
  if (!latitudeValid) problems.push({ field: 'input.serviceArea.latitude', message: 'must be between -90 and 90 degrees' });
  if (!longitudeValid) problems.push({ field: 'input.serviceArea.longitude', message: 'must be between -180 and 180 degrees' });
  // 0, 0 is open sea off West Africa: a client that sends it has almost surely not set a position.
  if (latitudeValid && longitudeValid && serviceArea.latitude === 0 && serviceArea.longitude === 0) {
    problems.push({ field: 'input.serviceArea', message: 'has no position set (0, 0): send the centre of the area you serve' });
  }
  if (!between(serviceArea.radiusKm, MIN_RADIUS_KM, MAX_RADIUS_KM)) {
    problems.push({ field: 'input.serviceArea.radiusKm', message: `must be between ${MIN_RADIUS_KM} and ${MAX_RADIUS_KM} kilometres` });
  }

  if (problems.length > 0) throw invalidInput(problems);
  return {
    vehicleType,
    vehiclePlate,
    capacities,
    serviceAreaLatitude: serviceArea.latitude,
    serviceAreaLongitude: serviceArea.longitude,
    serviceAreaRadiusMeters: Math.round(serviceArea.radiusKm * 1000),
  };
}

/**
 * The capacity per class, from `capacity`, or from the deprecated single count given to every
 * class the vehicle may carry. Classes the vehicle may not carry are refused, not dropped: the
 * courier has to know their vehicle will not be offered them.
 */
function validateCapacity(input: CourierProfileInput, rules: VehicleCylinderRules, problems: FieldProblem[]): CylinderCapacity[] {
  const { vehicleType } = input;
  const allowed = carriedClasses(rules, vehicleType);
  const ceiling = capacityCeiling[vehicleType];
  const mayCarry = allowed.length === 0 ? 'none' : `only ${allowed.join(', ')}`;
  if (allowed.length === 0) {
    problems.push({
      field: 'input.vehicleType',
      message: `a ${vehicleType} may not carry LPG cylinders (COURIERS_VEHICLE_CYLINDER_CLASSES): deliver with a vehicle that may`,
    });
    return [];
  }
  const quantityProblem = (quantity: number) =>
    !Number.isInteger(quantity) || !between(quantity, 1, MAX_CAPACITY_CYLINDERS)
      ? `must be a whole number between 1 and ${MAX_CAPACITY_CYLINDERS}`
      : quantity > ceiling
        ? `must be at most ${ceiling} for a ${vehicleType}`
        : null;

  if (input.capacity !== undefined && input.capacity !== null) {
    if (input.capacityCylinders !== undefined && input.capacityCylinders !== null) {
      problems.push({ field: 'input.capacityCylinders', message: 'must be left out when capacity is sent (it is deprecated)' });
    }
    if (input.capacity.length === 0) {
      problems.push({ field: 'input.capacity', message: `must name at least one cylinder class; a ${vehicleType} may carry ${mayCarry}` });
    }
    const seen = new Set<CylinderType>();
    input.capacity.forEach(({ cylinderType, quantity }, index) => {
      const field = `input.capacity[${index}]`;
      if (seen.has(cylinderType)) problems.push({ field: `${field}.cylinderType`, message: `${cylinderType} is named twice` });
      seen.add(cylinderType);
      if (!allowed.includes(cylinderType)) {
        problems.push({
          field: `${field}.cylinderType`,
          message: `a ${vehicleType} may not carry ${cylinderType}: it may carry ${mayCarry}`,
        });
      }
      const problem = quantityProblem(quantity);
      if (problem !== null) problems.push({ field: `${field}.quantity`, message: problem });
    });
    return input.capacity.map(({ cylinderType, quantity }) => ({ cylinderType, quantity }));
  }
  if (input.capacityCylinders === undefined || input.capacityCylinders === null) {
    problems.push({
      field: 'input.capacity',
      message: `is required: how many cylinders of each class you carry (a ${vehicleType} may carry ${mayCarry})`,
    });
    return [];
  }
  const problem = quantityProblem(input.capacityCylinders);
  if (problem !== null) problems.push({ field: 'input.capacityCylinders', message: problem });
  return allowed.map((cylinderType) => ({ cylinderType, quantity: input.capacityCylinders ?? 0 }));
}
