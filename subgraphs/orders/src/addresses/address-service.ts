import { randomUUID } from 'node:crypto';
import { invalidInput, isUuid, notFound, pendingEvent, requireRole, Role, type EventOrigin, type FieldProblem, type Viewer } from '#kit';
import { AddressEvents } from '../events/index.js';
import { readAddress, type AddressInput } from '../orders/order-input.js';
import type { AddressStore, SavedAddress } from './address-store.js';
import type { Geocoder } from './geocoder.js';

export const MAX_ADDRESS_LABEL_LENGTH = 40;
/** Enough for home, work, a parent's house and a few more; not an address book. */
export const MAX_SAVED_ADDRESSES = 20;

/** saveAddress's input: an order's address with a label and, when the geocoder knows the CEP, no coordinates. */
export interface SaveAddressInput extends Omit<AddressInput, 'latitude' | 'longitude' | 'notes'> {
  id?: string | null;
  label: string;
  deliveryNotes?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** A stand-in point once a missing one is reported, so that readAddress adds no second, vaguer problem. */
const REPORTED = { latitude: -23.55, longitude: -46.63 };

/** A customer's saved addresses: what storesNear and placeOrder accept instead of a full address. */
export class AddressService {
  constructor(
    private readonly addresses: AddressStore,
    private readonly geocoder: Geocoder,
  ) {}

  mine(viewer: Viewer | null): Promise<SavedAddress[]> {
    return this.addresses.listOf(requireRole(viewer, Role.CUSTOMER).userId);
  }

  /** One of the viewer's addresses; another user's is NOT_FOUND like a missing one. */
  async own(viewer: Viewer | null, id: string): Promise<SavedAddress> {
    const customer = requireRole(viewer, Role.CUSTOMER);
    const address = await this.addresses.find(id);
    if (address === null || address.userId !== customer.userId) throw notFound('Address');
    return address;
  }

  /**
   * Creates (no id) or replaces whole (the id of one of the viewer's addresses). Coordinates may
   * be left out when the geocoder knows the CEP; every input problem is reported together.
   */
  async save(viewer: Viewer | null, input: SaveAddressInput, origin: EventOrigin): Promise<SavedAddress> {
    const customer = requireRole(viewer, Role.CUSTOMER);
    const problems: FieldProblem[] = [];
    const label = input.label.trim().replace(/\s+/g, ' ');
    if (label === '' || label.length > MAX_ADDRESS_LABEL_LENGTH)
      problems.push({ field: 'input.label', message: `must be 1 to ${MAX_ADDRESS_LABEL_LENGTH} characters ("Casa", "Trabalho")` });
    const id = input.id?.trim().toLowerCase() ?? null;
    if (id !== null && !isUuid(id)) problems.push({ field: 'input.id', message: 'is not an address id; leave it out to create one' });
    const point = await this.pointOf(input, problems);
    const address = readAddress(
      { ...input, notes: input.deliveryNotes, latitude: point.latitude, longitude: point.longitude },
      problems,
      'input',
    );
    if (id === null && (await this.addresses.listOf(customer.userId)).length >= MAX_SAVED_ADDRESSES)
      problems.push({ field: 'input', message: `you already saved ${MAX_SAVED_ADDRESSES} addresses: replace or delete one` });
    // readAddress names the notes as an order does; saveAddress calls them deliveryNotes.
    if (problems.length > 0)
      throw invalidInput(
        problems.map((problem) => (problem.field === 'input.notes' ? { ...problem, field: 'input.deliveryNotes' } : problem)),
      );
    const saved = await this.addresses.save({ ...address, id: id ?? randomUUID(), userId: customer.userId, label }, (row) => [
      pendingEvent(AddressEvents.saved, origin, row.id, {
        addressId: row.id,
        userId: row.userId,
        latitude: row.latitude,
        longitude: row.longitude,
        savedAt: row.updatedAt.toISOString(),
      }),
    ]);
    if (saved === null) throw notFound('Address');
    return saved;
  }

  async delete(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<boolean> {
    const customer = requireRole(viewer, Role.CUSTOMER);
    const deleted = await this.addresses.delete(customer.userId, id.trim().toLowerCase(), (row) => [addressDeleted(origin, row)]);
    if (!deleted) throw notFound('Address');
    return true;
  }

  /** Both coordinates as given; neither: the geocoder's point for the CEP; one alone is a mistake. */
  private async pointOf(input: SaveAddressInput, problems: FieldProblem[]): Promise<{ latitude: number; longitude: number }> {
    const { latitude, longitude } = input;
    if (latitude != null && longitude != null) return { latitude, longitude };
    if (latitude != null || longitude != null) {
      problems.push({ field: 'input', message: 'send both latitude and longitude, or neither (the CEP is then looked up)' });
      return REPORTED;
    }
    const postalCode = input.postalCode.trim().replace(/^(\d{5})-(\d{3})$/, '$1$2');
    const found = /^\d{8}$/.test(postalCode) ? await this.geocoder.locate({ ...input, postalCode }) : null;
    if (found === null) {
      problems.push({
        field: 'input.latitude',
        message: 'is needed: the CEP could not be located, so send the latitude and longitude of the door (the device’s position)',
      });
      return REPORTED;
    }
    return found;
  }
}

export const addressDeleted = (origin: EventOrigin, row: SavedAddress) =>
  pendingEvent(AddressEvents.deleted, origin, row.id, { addressId: row.id, userId: row.userId, deletedAt: new Date().toISOString() });
