/**
 * Brazilian licence plates: the old pattern ABC1234 (often written ABC-1234) and the Mercosul
 * pattern ABC1D23, which puts a letter in the fifth place. Both are three letters, a digit, a
 * letter or digit, and two digits once the separator is gone.
 */
const PLATE = /^([A-Z]{3})[\s-]?([0-9][A-Z0-9][0-9]{2})$/;

/** The plate in its stored form (upper case, no separator), or null when it is not a Brazilian plate. */
export function normaliseVehiclePlate(written: string): string | null {
  const match = PLATE.exec(written.trim().toUpperCase());
  return match === null ? null : `${match[1]}${match[2]}`;
}
