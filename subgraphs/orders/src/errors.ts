import { defineErrorCodes } from '#kit';

/**
 * orders' business refusals: what placing an order with a store, or answering one, may be refused
 * with, and what `extensions` carries so a client can recover. Input problems stay BAD_USER_INPUT.
 */
export const orderErrors = defineErrorCodes('orders', {
  OUTSIDE_DELIVERY_AREA: {
    status: 422,
    description:
      'placeOrder: the store does not deliver to this point. `extensions.distanceMeters` (store to point) and `radiusMeters` (the store’s area; a polygon may narrow it): pick a store that covers the point (storesNear).',
  },
  STORE_CLOSED: {
    status: 422,
    description:
      'placeOrder: the store is outside its opening hours (or on a dated exception). `extensions.nextOpensAt`: when it opens next, null when not within two weeks.',
  },
  STORE_PAUSED: {
    status: 422,
    description: 'placeOrder: the store paused taking orders. `extensions.until` (null: until it resumes) and `reason` (may be null).',
  },
  STORE_UNAVAILABLE: {
    status: 422,
    description:
      'placeOrder: the store is not taking orders at all (set up but not active, or unknown to orders). `extensions.storeId`: choose another store.',
  },
  BELOW_MINIMUM_ORDER: {
    status: 422,
    description:
      'placeOrder: the subtotal is under the store’s minimum order. `extensions.minimumOrderAmount`, `subtotalAmount` and `currency`: add products up to the minimum.',
  },
  AUTHORIZATION_EXPIRED: {
    status: 422,
    description:
      'placeOrder: the store’s ANP authorisation is missing or expired on today’s date in the store’s zone, so it may not sell gas. `extensions.validUntil` (null when none is on record).',
  },
  PRODUCT_UNAVAILABLE: {
    status: 422,
    description:
      'placeOrder: some products are not sold by this store, are not on sale, or lack the stock asked for. `extensions.productIds` names them; remove them or lower the quantities.',
  },
  BRAND_NOT_ALLOWED: {
    status: 422,
    description:
      'placeOrder: a store tied to one distributor’s brand (ANP 958/2023) lists a product of another brand. `extensions.storeBrand` and `productIds`.',
  },
});

export type OrderErrorCode = keyof typeof orderErrors.codes;
