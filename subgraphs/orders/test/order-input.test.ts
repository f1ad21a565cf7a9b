import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readOrderInput, type AddressInput, type OrderRequest, type PlaceOrderInput } from '../src/orders/order-input.js';

const address: AddressInput = {
  street: '  Avenida   Paulista ',
  number: '1578',
  complement: '',
  district: 'Bela Vista',
  city: 'São Paulo',
  state: 'sp',
  postalCode: '01310-200',
  latitude: -23.5614,
  longitude: -46.6559,
};

const storeId = randomUUID();
const input = (overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput => ({
  storeId,
  items: [{ productId: randomUUID(), quantity: 2 }],
  deliveryAddress: address,
  paymentMethod: 'PIX',
  ...overrides,
});

/** The address of a request that gave one in full. */
const given = (request: OrderRequest) => {
  if (!('address' in request.destination)) throw new Error('the request names a saved address');
  return request.destination.address;
};

const fields = (value: PlaceOrderInput) => readOrderInput(value).problems.map((problem) => problem.field);

describe('reading placeOrder input', () => {
  it('normalises a valid order: whitespace, state in capitals, the CEP without its dash', () => {
    const productId = randomUUID();
    const { request, problems } = readOrderInput(input({ items: [{ productId: productId.toUpperCase(), quantity: 2 }] }));
    expect(problems).toEqual([]);
    expect(request.lines).toEqual([{ position: 0, productId, quantity: 2 }]);
    expect(given(request)).toMatchObject({ street: 'Avenida Paulista', complement: null, state: 'SP', postalCode: '01310200' });
  });

  it('reports every bad quantity, repeated product and malformed id at once', () => {
    const repeated = randomUUID();
    const value = input({
      items: [
        { productId: repeated, quantity: 0 },
        { productId: randomUUID(), quantity: -1 },
        { productId: randomUUID(), quantity: 1.5 },
        { productId: randomUUID(), quantity: 51 },
        { productId: repeated, quantity: 1 },
        { productId: 'not-an-id', quantity: 1 },
      ],
    });
    expect(fields(value)).toEqual([
      'input.items.0.quantity',
      'input.items.1.quantity',
      'input.items.2.quantity',
      'input.items.3.quantity',
      'input.items.4.productId',
      'input.items.5.productId',
    ]);
    // Lines with a usable product id are still returned, to be looked up in the catalog.
    expect(readOrderInput(value).request.lines.map((line) => line.position)).toEqual([0, 1, 2, 3]);
  });

  it('wants 1 to 20 lines', () => {
    expect(fields(input({ items: [] }))).toEqual(['input.items']);
    const many = Array.from({ length: 21 }, () => ({ productId: randomUUID(), quantity: 1 }));
    expect(fields(input({ items: many }))).toEqual(['input.items']);
    expect(fields(input({ items: many.slice(0, 20) }))).toEqual([]);
  });

  it('reports every address problem at once', () => {
    const value = input({
      deliveryAddress: {
        ...address,
        street: ' ',
        number: '',
        district: '',
        city: 'x'.repeat(101),
        state: 'XX',
        postalCode: '1234',
        latitude: -91,
        longitude: 181,
      },
    });
    expect(fields(value)).toEqual([
      'input.deliveryAddress.street',
      'input.deliveryAddress.number',
      'input.deliveryAddress.district',
      'input.deliveryAddress.city',
      'input.deliveryAddress.state',
      'input.deliveryAddress.postalCode',
      'input.deliveryAddress.latitude',
      'input.deliveryAddress.longitude',
    ]);
  });

  it('keeps the courier’s delivery notes trimmed, blank as none, and at most 300 characters', () => {
    const withNotes = (notes: string | null | undefined) => input({ deliveryAddress: { ...address, notes } });
    expect(given(readOrderInput(withNotes('  Portão azul,   tocar o interfone 12 ')).request).notes).toBe(
      'Portão azul, tocar o interfone 12',
    );
    expect(given(readOrderInput(withNotes('   ')).request).notes).toBeNull();
    expect(given(readOrderInput(withNotes(null)).request).notes).toBeNull();
    expect(given(readOrderInput(withNotes(undefined)).request).notes).toBeNull();
    expect(fields(withNotes('x'.repeat(300)))).toEqual([]);
    const tooLong = readOrderInput(withNotes(`${'x'.repeat(301)}  `)).problems;
    expect(tooLong).toEqual([{ field: 'input.deliveryAddress.notes', message: 'must be at most 300 characters' }]);
  });

  it('refuses the position 0, 0, which a client sends when it has none', () => {
    expect(fields(input({ deliveryAddress: { ...address, latitude: 0, longitude: 0 } }))).toEqual(['input.deliveryAddress']);
    expect(fields(input({ deliveryAddress: { ...address, latitude: 90, longitude: -180 } }))).toEqual([]);
  });

  it('takes exactly one of a full address and a saved one, and a well-formed store id', () => {
    const addressId = randomUUID();
    const { deliveryAddress: _omitted, ...withoutAddress } = input();
    const saved = readOrderInput({ ...withoutAddress, addressId: addressId.toUpperCase() });
    expect(saved.problems).toEqual([]);
    expect(saved.request.destination).toEqual({ addressId });
    expect(fields(withoutAddress)).toEqual(['input']);
    expect(fields(input({ addressId }))).toEqual(['input.addressId']);
    expect(fields({ ...withoutAddress, addressId: 'home' })).toEqual(['input.addressId']);
    expect(fields(input({ storeId: 'loja-1' }))).toEqual(['input.storeId']);
  });
});
