import { HOURS_PATTERN, invalidInput, isTimeZone, isUuid, type FieldProblem } from '#kit';
import type { StoreFields } from './store.js';

export interface SaveStoreInput {
  id?: string | null;
  supplierId?: string | null;
  name: string;
  address: {
    street: string;
    number: string;
    complement?: string | null;
    district: string;
    city: string;
    state: string;
    postalCode: string;
    latitude: number;
    longitude: number;
  };
  timeZone?: string | null;
  deliveryArea: { radiusKm: number; polygon?: Array<{ latitude: number; longitude: number }> | null };
  openingHours: Array<{ weekday: number; opens: string; closes: string }>;
  exceptions?: Array<{
    date: string;
    closed: boolean;
    hours?: Array<{ opens: string; closes: string }> | null;
    reason?: string | null;
  }> | null;
  resellerType: 'INDEPENDENT' | 'BRANDED';
  brand?: string | null;
  minimumOrderAmount: number;
  currency?: string | null;
  deliveryFee: { baseAmount: number; perKmAmount: number; freeAboveAmount?: number | null };
  preparationMinutes: number;
  autoAccept?: boolean | null;
  active?: boolean | null;
}

export const DEFAULT_TIME_ZONE = 'America/Sao_Paulo';
export const MIN_RADIUS_KM = 0.5;
export const MAX_RADIUS_KM = 50;
export const MAX_PREPARATION_MINUTES = 240;
const MAX_AMOUNT = 100_000_00;
const MAX_POLYGON_POINTS = 200;
const MAX_EXCEPTIONS = 366;
const BRAZILIAN_STATES = new Set('AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' '));

/** Collapses runs of whitespace and trims; the text as it will be stored. */
const tidy = (value: string) => value.trim().replace(/\s+/g, ' ');

const isLocalDate = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/**
 * Validates a whole saveStore input (it replaces the store), reporting every problem at once as
 * one BAD_USER_INPUT, and gives the fields as stored.
 */
export function validateStoreInput(input: SaveStoreInput): StoreFields {
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `input.${field}`, message });
  const text = (field: string, value: string | null | undefined, min: number, max: number): string => {
    const tidied = tidy(value ?? '');
    if (tidied.length < min || tidied.length > max)
      problem(field, min === 0 ? `must be at most ${max} characters` : `must be between ${min} and ${max} characters`);
    return tidied;
  };
  const amount = (field: string, value: number, min = 0) => {
    if (!Number.isInteger(value) || value < min || value > MAX_AMOUNT)
      problem(field, `must be a whole number of minor units between ${min} and ${MAX_AMOUNT}`);
  };

  const name = text('name', input.name, 2, 80);
  const address = input.address;
  const street = text('address.street', address.street, 2, 120);
  const number = text('address.number', address.number, 1, 20);
  const complementText = text('address.complement', address.complement, 0, 80);
  const district = text('address.district', address.district, 2, 80);
  const city = text('address.city', address.city, 2, 80);
  const state = address.state.trim().toUpperCase();
  if (!BRAZILIAN_STATES.has(state)) problem('address.state', 'must be the two-letter code of a Brazilian state (UF), such as SP');
  const postalCode = address.postalCode.replace(/\D/g, '');
  if (postalCode.length !== 8) problem('address.postalCode', 'must be a CEP of 8 digits, such as 01310-100');
  const pointProblems = (field: string, point: { latitude: number; longitude: number }) => {
    if (!Number.isFinite(point.latitude) || point.latitude < -90 || point.latitude > 90)
      problem(`${field}.latitude`, 'must be between -90 and 90');
    if (!Number.isFinite(point.longitude) || point.longitude < -180 || point.longitude > 180)
      problem(`${field}.longitude`, 'must be between -180 and 180');
  };
  pointProblems('address', address);

  const timeZone = input.timeZone?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) problem('timeZone', 'must be an IANA time zone such as America/Sao_Paulo');

  const { radiusKm, polygon } = input.deliveryArea;
  if (!Number.isFinite(radiusKm) || radiusKm < MIN_RADIUS_KM || radiusKm > MAX_RADIUS_KM) {
    problem('deliveryArea.radiusKm', `must be between ${MIN_RADIUS_KM} and ${MAX_RADIUS_KM} kilometres`);
  }
  if (polygon !== null && polygon !== undefined) {
    if (polygon.length < 3 || polygon.length > MAX_POLYGON_POINTS)
      problem('deliveryArea.polygon', `must have between 3 and ${MAX_POLYGON_POINTS} points`);
    polygon.forEach((point, index) => pointProblems(`deliveryArea.polygon.${index}`, point));
  }

  const hours = (field: string, opens: string, closes: string) => {
    if (!HOURS_PATTERN.test(opens)) problem(`${field}.opens`, 'must be a time HH:MM between 00:00 and 23:59');
    if (!HOURS_PATTERN.test(closes))
      problem(`${field}.closes`, 'must be a time HH:MM between 00:00 and 24:00 (at or before opens: past midnight)');
    if (opens === '24:00') problem(`${field}.opens`, 'must be before 24:00');
  };
  input.openingHours.forEach((entry, index) => {
    if (!Number.isInteger(entry.weekday) || entry.weekday < 1 || entry.weekday > 7)
      problem(`openingHours.${index}.weekday`, 'must be 1 (Monday) to 7 (Sunday)');
    hours(`openingHours.${index}`, entry.opens, entry.closes);
  });
  const exceptions = input.exceptions ?? [];
  if (exceptions.length > MAX_EXCEPTIONS) problem('exceptions', `must have at most ${MAX_EXCEPTIONS} dates`);
  const seenDates = new Set<string>();
  exceptions.forEach((exception, index) => {
    if (!isLocalDate(exception.date)) problem(`exceptions.${index}.date`, 'must be a date YYYY-MM-DD');
    else if (seenDates.has(exception.date)) problem(`exceptions.${index}.date`, 'is given twice: give each date once, with all its hours');
    seenDates.add(exception.date);
    const exceptionHours = exception.hours ?? [];
    if (exception.closed && exceptionHours.length > 0) problem(`exceptions.${index}.hours`, 'must be empty on a closed date');
    if (!exception.closed && exceptionHours.length === 0)
      problem(`exceptions.${index}.hours`, 'must give the hours of a date that is not closed');
    exceptionHours.forEach((entry, hoursIndex) => hours(`exceptions.${index}.hours.${hoursIndex}`, entry.opens, entry.closes));
    if (exception.reason !== null && exception.reason !== undefined && tidy(exception.reason).length > 120)
      problem(`exceptions.${index}.reason`, 'must be at most 120 characters');
  });

  const brand = input.brand === null || input.brand === undefined ? null : tidy(input.brand);
  if (brand !== null && (brand.length < 2 || brand.length > 60)) problem('brand', 'must be between 2 and 60 characters');
  if (input.resellerType === 'BRANDED' && brand === null)
    problem('brand', 'is required for a BRANDED store: the distributor brand it is tied to');
  if (input.resellerType === 'INDEPENDENT' && brand !== null)
    problem('brand', 'must be left out for an INDEPENDENT store, which sells any brand');

  amount('minimumOrderAmount', input.minimumOrderAmount);
  const currency = (input.currency ?? 'BRL').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) problem('currency', 'must be an ISO 4217 code such as BRL');
  amount('deliveryFee.baseAmount', input.deliveryFee.baseAmount);
  amount('deliveryFee.perKmAmount', input.deliveryFee.perKmAmount);
  const freeAbove = input.deliveryFee.freeAboveAmount ?? null;
  if (freeAbove !== null) amount('deliveryFee.freeAboveAmount', freeAbove, 1);
  if (!Number.isInteger(input.preparationMinutes) || input.preparationMinutes < 0 || input.preparationMinutes > MAX_PREPARATION_MINUTES) {
    problem('preparationMinutes', `must be a whole number of minutes between 0 and ${MAX_PREPARATION_MINUTES}`);
  }
  if (input.supplierId !== null && input.supplierId !== undefined && !isUuid(input.supplierId)) problem('supplierId', 'is not a user id');
  if (problems.length > 0) throw invalidInput(problems);

  return {
    name,
    address: {
      street,
      number,
      complement: complementText.length > 0 ? complementText : null,
      district,
      city,
      state,
      postalCode,
      latitude: address.latitude,
      longitude: address.longitude,
    },
    timeZone,
    deliveryArea: {
      radiusMeters: Math.round(radiusKm * 1000),
      polygon: polygon === null || polygon === undefined ? null : polygon.map(({ latitude, longitude }) => ({ latitude, longitude })),
    },
    openingHours: input.openingHours.map(({ weekday, opens, closes }) => ({ weekday, opens, closes })),
    exceptions: exceptions.map((exception) => ({
      date: exception.date,
      closed: exception.closed,
      hours: (exception.hours ?? []).map(({ opens, closes }) => ({ opens, closes })),
      reason: exception.reason === null || exception.reason === undefined || tidy(exception.reason) === '' ? null : tidy(exception.reason),
    })),
    resellerType: input.resellerType,
    brand,
    minimumOrderAmount: input.minimumOrderAmount,
    currency,
    deliveryFee: { baseAmount: input.deliveryFee.baseAmount, perKmAmount: input.deliveryFee.perKmAmount, freeAboveAmount: freeAbove },
    preparationMinutes: input.preparationMinutes,
    autoAccept: input.autoAccept ?? false,
    active: input.active ?? true,
  };
}
