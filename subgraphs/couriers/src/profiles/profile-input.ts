import { invalidInput, type FieldProblem } from '#kit';
import type { VehicleType } from '../database.js';
import { normaliseVehiclePlate } from './vehicle-plate.js';
import { capacityCeiling, carriesPlate, MAX_CAPACITY_CYLINDERS } from './vehicles.js';

export const MIN_RADIUS_KM = 0.5;
export const MAX_RADIUS_KM = 100;

/** A saved profile replaces the previous one whole, so every field but the plate is required. */
export interface CourierProfileInput {
  vehicleType: VehicleType;
  /** Required for motor vehicles, absent for a cargo bike. */
  vehiclePlate?: string | null;
  capacityCylinders: number;
  serviceArea: { latitude: number; longitude: number; radiusKm: number };
}

/** A validated profile, in stored units. */
export interface CourierProfileFields {
  vehicleType: VehicleType;
  vehiclePlate: string | null;
  capacityCylinders: number;
  serviceAreaLatitude: number;
  serviceAreaLongitude: number;
  serviceAreaRadiusMeters: number;
}

const between = (value: number, min: number, max: number) => Number.isFinite(value) && value >= min && value <= max;

/** Validates a profile, reporting every problem at once, and maps it to stored columns. */
export function validateCourierProfile(input: CourierProfileInput): CourierProfileFields {
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

  const ceiling = capacityCeiling[vehicleType];
  if (!Number.isInteger(input.capacityCylinders) || !between(input.capacityCylinders, 1, MAX_CAPACITY_CYLINDERS)) {
    problems.push({ field: 'input.capacityCylinders', message: `must be a whole number between 1 and ${MAX_CAPACITY_CYLINDERS}` });
  } else if (input.capacityCylinders > ceiling) {
    problems.push({ field: 'input.capacityCylinders', message: `must be at most ${ceiling} for a ${vehicleType}` });
  }

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
    capacityCylinders: input.capacityCylinders,
    serviceAreaLatitude: serviceArea.latitude,
    serviceAreaLongitude: serviceArea.longitude,
    serviceAreaRadiusMeters: Math.round(serviceArea.radiusKm * 1000),
  };
}
