import { invalidInput, type FieldProblem } from '#kit';
import type { CylinderType } from '../database.js';
import type { ProductPatch } from './product-store.js';
import type { SaleType } from '../events/index.js';

/** Nominal net weight of each cylinder class, in kilograms. */
export const nominalSizeKg: Readonly<Record<CylinderType, number>> = {
  P2: 2,
  P5: 5,
  P8: 8,
  P13: 13,
  P20: 20,
  P45: 45,
  P90: 90,
};

export const MAX_PRICE_MINOR_UNITS = 100_000_00;
export const MAX_STOCK = 1_000_000;

export interface ProductFields {
  name?: string | null;
  description?: string | null;
  cylinderType?: CylinderType | null;
  sizeKg?: number | null;
  priceAmount?: number | null;
  currency?: string | null;
  stockQuantity?: number | null;
  lowStockThreshold?: number | null;
  active?: boolean | null;
  brand?: string | null;
  saleType?: SaleType | null;
}

/** Validates the given fields, reporting every problem at once, and maps them to stored columns. */
export function validateProductFields(input: ProductFields): ProductPatch {
  const problems: FieldProblem[] = [];
  const patch: ProductPatch = {};
  if (input.name !== undefined && input.name !== null) {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (name.length < 2 || name.length > 120) problems.push({ field: 'input.name', message: 'must be between 2 and 120 characters' });
    else patch.name = name;
  }
  if (input.description !== undefined && input.description !== null) {
    if (input.description.length > 2000) problems.push({ field: 'input.description', message: 'must be at most 2000 characters' });
    else patch.description = input.description.trim();
  }
  if (input.cylinderType !== undefined && input.cylinderType !== null) patch.cylinderType = input.cylinderType;
  if (input.sizeKg !== undefined && input.sizeKg !== null) {
    if (!Number.isFinite(input.sizeKg) || input.sizeKg <= 0 || input.sizeKg > 100) {
      problems.push({ field: 'input.sizeKg', message: 'must be more than 0 and at most 100 kilograms' });
    } else patch.sizeGrams = Math.round(input.sizeKg * 1000);
  }
  if (input.priceAmount !== undefined && input.priceAmount !== null) {
    if (!Number.isInteger(input.priceAmount) || input.priceAmount < 1 || input.priceAmount > MAX_PRICE_MINOR_UNITS) {
      problems.push({
        field: 'input.priceAmount',
        message: `must be a whole number of minor units between 1 and ${MAX_PRICE_MINOR_UNITS}`,
      });
    } else patch.priceCents = input.priceAmount;
  }
  if (input.currency !== undefined && input.currency !== null) {
    const currency = input.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) problems.push({ field: 'input.currency', message: 'must be an ISO 4217 code such as BRL' });
    else patch.currency = currency;
  }
  if (input.stockQuantity !== undefined && input.stockQuantity !== null) {
    if (!Number.isInteger(input.stockQuantity) || input.stockQuantity < 0 || input.stockQuantity > MAX_STOCK) {
      problems.push({ field: 'input.stockQuantity', message: `must be a whole number between 0 and ${MAX_STOCK}` });
    } else patch.stockQuantity = input.stockQuantity;
  }
  if (input.lowStockThreshold !== undefined && input.lowStockThreshold !== null) {
    if (!Number.isInteger(input.lowStockThreshold) || input.lowStockThreshold < 0 || input.lowStockThreshold > MAX_STOCK) {
      problems.push({ field: 'input.lowStockThreshold', message: `must be a whole number between 0 and ${MAX_STOCK}` });
    } else patch.lowStockThreshold = input.lowStockThreshold;
  }
  if (input.active !== undefined && input.active !== null) patch.active = input.active;
  if (input.brand !== undefined && input.brand !== null) {
    const brand = input.brand.trim().replace(/\s+/g, ' ');
    if (brand.length < 2 || brand.length > 60) problems.push({ field: 'input.brand', message: 'must be between 2 and 60 characters' });
    else patch.brand = brand;
  }
  if (input.saleType !== undefined && input.saleType !== null) patch.saleType = input.saleType;
  if (problems.length > 0) throw invalidInput(problems);
  return patch;
}
