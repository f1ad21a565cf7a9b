import type { VehicleType } from '../database.js';

export const MAX_CAPACITY_CYLINDERS = 200;

/**
 * The most cylinders each kind of vehicle can plausibly carry at once, counted one each
 * whatever their size and sized on the household P13 (about 29 kg full). They catch typing
 * mistakes (a motorcycle "carrying" 40 cylinders would be offered orders it cannot take);
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

/** Every motor vehicle is registered and carries a plate; a pedal cargo bike does not. */
export const carriesPlate = (vehicleType: VehicleType): boolean => vehicleType !== 'CARGO_BIKE';
