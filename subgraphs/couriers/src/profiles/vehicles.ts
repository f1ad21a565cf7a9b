import type { CylinderType, VehicleType } from '../database.js';

export const VEHICLE_TYPES: readonly VehicleType[] = ['CARGO_BIKE', 'MOTORCYCLE', 'CAR', 'PICKUP', 'VAN', 'TRUCK'];
/** Smallest to largest, by kilograms of gas. */
export const CYLINDER_TYPES: readonly CylinderType[] = ['P2', 'P5', 'P8', 'P13', 'P20', 'P45', 'P90'];

export const MAX_CAPACITY_CYLINDERS = 200;

/**
 * The most cylinders of one class each kind of vehicle can plausibly carry at once. They catch
 * typing mistakes (a motorcycle "carrying" 40 cylinders would be offered orders it cannot take);
 * they are not the legal limits, which depend on the vehicle's registration.
 */
export const capacityCeiling: Readonly<Record<VehicleType, number>> = {
  CARGO_BIKE: 4,
  MOTORCYCLE: 4,
  CAR: 6,
  PICKUP: 30,
  VAN: 50,
  TRUCK: MAX_CAPACITY_CYLINDERS,
};

/** Which cylinder classes each vehicle type may carry (COURIERS_VEHICLE_CYLINDER_CLASSES). */
export type VehicleCylinderRules = Readonly<Record<VehicleType, ReadonlySet<CylinderType>>>;

/**
 * The default rules, as COURIERS_VEHICLE_CYLINDER_CLASSES writes them. A motorcycle carries only
 * P13, and only with a sidecar or trailer (ANP Resolution 26/2015, Contran Resolution 356/2010);
 * a car may not carry LPG cylinders for resale; a cargo bike carries the small classes up to P8
 * (about 18 kg full each), which it can balance and brake with; pickups, vans and trucks carry
 * every class.
 */
export const DEFAULT_VEHICLE_CYLINDER_CLASSES = 'CARGO_BIKE=P2,P5,P8;MOTORCYCLE=P13;CAR=;PICKUP=*;VAN=*;TRUCK=*';

/**
 * Reads `VEHICLE=CLASS,CLASS;VEHICLE=*;VEHICLE=` (every vehicle type named once; `*` is every
 * class, nothing after `=` none). Throws with what is wrong otherwise.
 */
export function parseVehicleCylinderRules(text: string): VehicleCylinderRules {
  const rules = new Map<VehicleType, ReadonlySet<CylinderType>>();
  for (const entry of text.split(';').map((part) => part.trim())) {
    if (entry === '') continue;
    const [vehicle, classes, ...rest] = entry.split('=').map((part) => part.trim());
    const vehicleType = VEHICLE_TYPES.find((type) => type === vehicle);
    if (vehicleType === undefined || classes === undefined || rest.length > 0)
      throw new Error(`"${entry}" is not VEHICLE=CLASSES with VEHICLE one of ${VEHICLE_TYPES.join(', ')}`);
    if (rules.has(vehicleType)) throw new Error(`${vehicleType} is named twice`);
    const allowed = new Set<CylinderType>();
    for (const written of classes === '*'
      ? CYLINDER_TYPES
      : classes
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')) {
      const cylinderType = CYLINDER_TYPES.find((type) => type === written);
      if (cylinderType === undefined)
        throw new Error(`${vehicleType}: "${written}" is not a cylinder class (${CYLINDER_TYPES.join(', ')}, or *)`);
      allowed.add(cylinderType);
    }
    rules.set(vehicleType, allowed);
  }
  const missing = VEHICLE_TYPES.filter((type) => !rules.has(type));
  if (missing.length > 0) throw new Error(`every vehicle type must be named (write VEHICLE= for none): ${missing.join(', ')} missing`);
  const of = (type: VehicleType): ReadonlySet<CylinderType> => rules.get(type) ?? new Set();
  return {
    CARGO_BIKE: of('CARGO_BIKE'),
    MOTORCYCLE: of('MOTORCYCLE'),
    CAR: of('CAR'),
    PICKUP: of('PICKUP'),
    VAN: of('VAN'),
    TRUCK: of('TRUCK'),
  };
}

/** The classes a vehicle may carry, smallest first. */
export const carriedClasses = (rules: VehicleCylinderRules, vehicleType: VehicleType): CylinderType[] =>
  CYLINDER_TYPES.filter((type) => rules[vehicleType].has(type));

/** Every motor vehicle is registered and carries a plate; a pedal cargo bike does not. */
export const carriesPlate = (vehicleType: VehicleType): boolean => vehicleType !== 'CARGO_BIKE';
