import { defineErrorCodes } from '#kit';

/**
 * products' business refusals (docs/stores.md lists them). Input problems stay BAD_USER_INPUT with
 * `extensions.fields`; these are the rules a well-formed request can still break.
 */
export const productErrors = defineErrorCodes('products', {
  STORE_BRAND_RESTRICTED: {
    status: 422,
    description:
      'createProduct, updateProduct, saveStore: a store tied to one distributor’s brand (ANP 958/2023) lists only that brand. `extensions.storeBrand`: the brand it may list; `extensions.productIds`: the products of other brands (saveStore, when changing the brand).',
  },
  STORE_SETUP_REQUIRED: {
    status: 409,
    description:
      'pauseStore: the store has no address yet (a default store made by the move to stores) and takes no orders to pause. Complete it with saveStore. `extensions.storeId`.',
  },
});

export type ProductErrorCode = keyof typeof productErrors.codes;
