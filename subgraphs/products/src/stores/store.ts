import type { DeliveryArea, DeliveryFeeRule, SaleType, StoreSnapshot } from '../events/index.js';

export type StoreAddress = StoreSnapshot['address'];
export type WeeklyHours = StoreSnapshot['openingHours'][number];
export type DatedHours = StoreSnapshot['exceptions'][number];
export type ResellerType = StoreSnapshot['resellerType'];
export type { SaleType };

export interface StorePause {
  reason: string | null;
  since: Date;
  /** The pause lifts by itself then; null: until the owner resumes. */
  until: Date | null;
}

/** What an owner states about a store with saveStore: everything but its identity, pause and history. */
export interface StoreFields {
  name: string;
  address: StoreAddress;
  timeZone: string;
  deliveryArea: DeliveryArea;
  openingHours: WeeklyHours[];
  exceptions: DatedHours[];
  resellerType: ResellerType;
  brand: string | null;
  minimumOrderAmount: number;
  currency: string;
  deliveryFee: DeliveryFeeRule;
  preparationMinutes: number;
  autoAccept: boolean;
  active: boolean;
}

/** A store as products keeps it. `address` is null only for a default store the move to stores made, until its owner completes it. */
export interface Store extends Omit<StoreFields, 'address'> {
  id: string;
  supplierId: string;
  address: StoreAddress | null;
  pause: StorePause | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The supplier's ANP authorisation, from verification's licence.approved. */
export interface StoreAuthorization {
  number: string;
  /** The last valid day, YYYY-MM-DD. */
  validUntil: string;
}
