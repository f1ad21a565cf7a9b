import { isUuid, type FieldProblem } from '#kit';
import type { PaymentMethod } from '../database.js';

export const MAX_ORDER_ITEMS = 20;
export const MAX_ITEM_QUANTITY = 50;
/** Room for a few directions ("portão azul, tocar o interfone 12"), not a letter. */
export const MAX_DELIVERY_NOTES_LENGTH = 300;

/** The 26 states and the Federal District. */
const brazilianStates = new Set([
  'AC',
  'AL',
  'AP',
  'AM',
  'BA',
  'CE',
  'DF',
  'ES',
  'GO',
  'MA',
  'MT',
  'MS',
  'MG',
  'PA',
  'PB',
  'PR',
  'PE',
  'PI',
  'RJ',
  'RN',
  'RS',
  'RO',
  'RR',
  'SC',
  'SP',
  'SE',
  'TO',
]);

export interface PlaceOrderInput {
  storeId: string;
  items: ReadonlyArray<{ productId: string; quantity: number }>;
  /** Exactly one of deliveryAddress and addressId (a saved address of the customer). */
  addressId?: string | null;
  deliveryAddress?: {
    street: string;
    number: string;
    complement?: string | null;
    district: string;
    city: string;
    state: string;
    postalCode: string;
    latitude: number;
    longitude: number;
    notes?: string | null;
  };
  paymentMethod: PaymentMethod;
}

export interface OrderLine {
  /** Position in the order as placed, for naming the item in errors. */
  position: number;
  productId: string;
  /** Null when the quantity given was invalid (already reported). */
  quantity: number | null;
}

export interface DeliveryAddress {
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  /** The CEP, 8 digits without the dash. */
  postalCode: string;
  latitude: number;
  longitude: number;
  /** The customer's directions for the courier; null when none were given. */
  notes: string | null;
}

export type AddressInput = NonNullable<PlaceOrderInput['deliveryAddress']>;

/** The input as far as it checks out by itself; the lines still need the catalog to be priced. */
export interface OrderRequest {
  storeId: string;
  lines: OrderLine[];
  /** Where to deliver: given in full, or a saved address still to be read. */
  destination: { address: DeliveryAddress } | { addressId: string };
  paymentMethod: PaymentMethod;
}

/**
 * Checks everything about an order that needs no catalog, collecting every problem instead
 * of stopping at the first. Lines with a well-formed, first-seen product id are returned, so
 * the caller can look those up and add the catalog's problems to the same list.
 */
export function readOrderInput(input: PlaceOrderInput): { request: OrderRequest; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (input.items.length === 0) problems.push({ field: 'input.items', message: 'must list at least one product' });
  if (input.items.length > MAX_ORDER_ITEMS)
    problems.push({ field: 'input.items', message: `must list at most ${MAX_ORDER_ITEMS} products` });

  const lines: OrderLine[] = [];
  const firstPosition = new Map<string, number>();
  input.items.forEach((item, position) => {
    const path = `input.items.${position}`;
    const quantityValid = Number.isInteger(item.quantity) && item.quantity >= 1 && item.quantity <= MAX_ITEM_QUANTITY;
    if (!quantityValid) problems.push({ field: `${path}.quantity`, message: `must be a whole number from 1 to ${MAX_ITEM_QUANTITY}` });
    const productId = item.productId.trim().toLowerCase();
    if (!isUuid(productId)) {
      problems.push({ field: `${path}.productId`, message: 'is not a product id' });
      return;
    }
    const earlier = firstPosition.get(productId);
    if (earlier !== undefined) {
      problems.push({
        field: `${path}.productId`,
        message: `repeats the product of input.items.${earlier}; list each product once with its whole quantity`,
      });
      return;
    }
    firstPosition.set(productId, position);
    // Looked up even with a bad quantity, so that an unknown product is reported along with it.
    lines.push({ position, productId, quantity: quantityValid ? item.quantity : null });
  });

  const storeId = input.storeId.trim().toLowerCase();
  if (!isUuid(storeId))
    problems.push({ field: 'input.storeId', message: 'is not a store id (storesNear lists the stores that deliver to you)' });

  const addressId = input.addressId?.trim().toLowerCase() ?? '';
  let destination: OrderRequest['destination'];
  if (input.deliveryAddress != null) {
    if (addressId !== '')
      problems.push({ field: 'input.addressId', message: 'must be left out when deliveryAddress is given: send one of the two' });
    destination = { address: readAddress(input.deliveryAddress, problems, 'input.deliveryAddress') };
  } else {
    if (addressId === '')
      problems.push({ field: 'input', message: 'needs deliveryAddress or addressId (one of your saved addresses, myAddresses)' });
    else if (!isUuid(addressId)) problems.push({ field: 'input.addressId', message: 'is not an address id (myAddresses lists yours)' });
    destination = { addressId };
  }
  return { request: { storeId, lines, destination, paymentMethod: input.paymentMethod }, problems };
}

/** Checks and tidies an address given in full: for an order, or saved (the path names where it was given). */
export function readAddress(input: AddressInput, problems: FieldProblem[], path: string): DeliveryAddress {
  const text = (field: string, value: string | null | undefined, max: number, required: boolean): string | null => {
    const cleaned = (value ?? '').trim().replace(/\s+/g, ' ');
    if (cleaned === '') {
      if (required) problems.push({ field: `${path}.${field}`, message: 'is required' });
      return null;
    }
    if (cleaned.length > max) problems.push({ field: `${path}.${field}`, message: `must be at most ${max} characters` });
    return cleaned;
  };
  const street = text('street', input.street, 200, true);
  // "S/N" (sem número) is how Brazilian addresses say there is no number.
  const number = text('number', input.number, 20, true);
  const complement = text('complement', input.complement, 100, false);
  const district = text('district', input.district, 100, true);
  const city = text('city', input.city, 100, true);
  const notes = text('notes', input.notes, MAX_DELIVERY_NOTES_LENGTH, false);

  const state = input.state.trim().toUpperCase();
  if (!brazilianStates.has(state))
    problems.push({ field: `${path}.state`, message: 'must be a Brazilian state’s two-letter code, such as SP' });
  const postalCode = input.postalCode.trim().replace(/^(\d{5})-(\d{3})$/, '$1$2');
  if (!/^\d{8}$/.test(postalCode))
    problems.push({ field: `${path}.postalCode`, message: 'must be a CEP: 8 digits, with or without the dash (01310-100)' });

  const latitudeValid = Number.isFinite(input.latitude) && input.latitude >= -90 && input.latitude <= 90;
  const longitudeValid = Number.isFinite(input.longitude) && input.longitude >= -180 && input.longitude <= 180;
  if (!latitudeValid) problems.push({ field: `${path}.latitude`, message: 'must be between -90 and 90 degrees' });
  if (!longitudeValid) problems.push({ field: `${path}.longitude`, message: 'must be between -180 and 180 degrees' });
  // 0, 0 is open sea off West Africa: a client that sends it has almost surely not set a position.
  if (latitudeValid && longitudeValid && input.latitude === 0 && input.longitude === 0) {
    problems.push({ field: path, message: 'has no position set (0, 0): send the delivery point’s coordinates' });
  }
  return {
    street: street ?? '',
    number: number ?? '',
    complement,
    district: district ?? '',
    city: city ?? '',
    state,
    postalCode,
    latitude: input.latitude,
    longitude: input.longitude,
    notes,
  };
}
