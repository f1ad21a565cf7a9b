import { randomUUID } from 'node:crypto';
import {
  forbidden,
  hasRole,
  invalidInput,
  isUuid,
  notFound,
  requireRole,
  requireVerified,
  requireViewer,
  Role,
  type EventOrigin,
  type Viewer,
} from '#kit';
import { productChangeEvents } from './product-events.js';
import type { CylinderType } from '../database.js';
import { nominalSizeKg, validateProductFields, type ProductFields } from './product-input.js';
import type { Product, ProductStore } from './product-store.js';
import type { StoreStore } from '../stores/store-store.js';
import type { Store } from '../stores/store.js';
import { productErrors } from '../errors.js';

export interface CreateProductInput extends ProductFields {
  name: string;
  cylinderType: CylinderType;
  priceAmount: number;
  stockQuantity: number;
  supplierId?: string | null;
  /** Optional when the supplier runs exactly one store. */
  storeId?: string | null;
}

/** May this viewer see an inactive product, or change a product? Only its supplier and admins. */
export function managesProduct(viewer: Viewer | null, product: Pick<Product, 'supplierId'>): boolean {
  return viewer !== null && (viewer.userId === product.supplierId || hasRole(viewer, Role.ADMIN));
}

/** The catalog's write side: who may change what, and the rules a product obeys. */
export class CatalogService {
  constructor(
    private readonly products: ProductStore,
    private readonly stores: StoreStore,
  ) {}

  async create(viewer: Viewer | null, input: CreateProductInput, origin: EventOrigin): Promise<Product> {
    const actor = requireRole(viewer, Role.SUPPLIER, Role.ADMIN);
    const isAdmin = hasRole(actor, Role.ADMIN);
    if (input.supplierId && !isAdmin && input.supplierId !== actor.userId) {
      throw forbidden('Suppliers can only create products in their own catalog; leave supplierId out.');
    }
    const fields = validateProductFields(input);
    const store = await this.storeFor(actor, input);
    const supplierId = store.supplierId;
    const sellsNow = fields.active ?? (isAdmin || actor.verified);
    if (sellsNow) requireVerifiedUnlessAdmin(actor);
    const named = fields.brand ?? store.brand;
    if (named === null) {
      throw invalidInput([
        { field: 'input.brand', message: 'is required for a product of an INDEPENDENT store (Ultragaz, Liquigás, Supergasbras…)' },
      ]);
    }
    const brand = allowedBrand(store, named);
    return this.products.create(
      {
        id: randomUUID(),
        supplierId,
        storeId: store.id,
        brand,
        saleType: fields.saleType ?? 'REFILL_EXCHANGE',
        name: fields.name!,
        description: fields.description ?? '',
        cylinderType: input.cylinderType,
        sizeGrams: fields.sizeGrams ?? nominalSizeKg[input.cylinderType] * 1000,
        priceCents: fields.priceCents!,
        currency: fields.currency ?? 'BRL',
        stockQuantity: fields.stockQuantity!,
        lowStockThreshold: fields.lowStockThreshold ?? null,
        active: sellsNow,
      },
      productChangeEvents(origin),
    );
  }

  async update(viewer: Viewer | null, id: string, input: ProductFields, origin: EventOrigin): Promise<Product> {
    const { actor, product } = await this.requireManaged(viewer, id);
    const fields = validateProductFields(input);
    if (fields.active === true) requireVerifiedUnlessAdmin(actor);
    if (fields.brand !== undefined) {
      const store = await this.stores.findById(product.storeId);
      if (store !== null) fields.brand = allowedBrand(store, fields.brand);
    }
    const updated = await this.products.update(id, fields, productChangeEvents(origin));
    if (updated === null) throw notFound('Product');
    return updated;
  }

  async delete(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<string> {
    await this.requireManaged(viewer, id);
    if (!(await this.products.delete(id, productChangeEvents(origin)))) throw notFound('Product');
    return id;
  }

  /**
   * The store a new product goes to: the one named, or the supplier's only store. Suppliers use
   * their own stores; an admin may name any store (its supplier owns the product).
   */
  private async storeFor(actor: Viewer, input: CreateProductInput): Promise<Store> {
    const isAdmin = hasRole(actor, Role.ADMIN);
    if (input.supplierId && !isAdmin && input.supplierId !== actor.userId) {
      throw forbidden('Suppliers can only create products in their own catalog; leave supplierId out.');
    }
    if (input.supplierId && !isUuid(input.supplierId)) throw invalidInput([{ field: 'input.supplierId', message: 'is not a user id' }]);
    if (input.storeId !== null && input.storeId !== undefined) {
      const store = await this.stores.findById(input.storeId);
      const supplierId = input.supplierId ?? (isAdmin ? store?.supplierId : actor.userId);
      if (store === null || store.supplierId !== supplierId) {
        throw invalidInput([{ field: 'input.storeId', message: 'is not one of the supplier’s stores (myStores lists them)' }]);
      }
      return store;
    }
    const supplierId = input.supplierId ?? (hasRole(actor, Role.SUPPLIER) ? actor.userId : undefined);
    if (supplierId === undefined) {
      throw invalidInput([
        { field: 'input.supplierId', message: 'is required when an admin creates a product (or name its store: storeId)' },
      ]);
    }
    const stores = await this.stores.listBySupplier(supplierId);
    if (stores.length === 1) return stores[0]!;
    throw invalidInput([
      {
        field: 'input.storeId',
        message:
          stores.length === 0
            ? 'the supplier has no store yet: open one with saveStore, then create its products'
            : `is required: the supplier runs ${stores.length} stores (myStores lists them)`,
      },
    ]);
  }

  private async requireManaged(viewer: Viewer | null, id: string): Promise<{ actor: Viewer; product: Product }> {
    const actor = requireViewer(viewer);
    const product = await this.products.findById(id);
    // An inactive product is invisible to everyone but its supplier and admins; refusing to change
    // it with FORBIDDEN would tell another supplier that it exists.
    if (product === null || (!product.active && !managesProduct(actor, product))) throw notFound('Product');
    if (!managesProduct(actor, product)) throw forbidden('Only the product’s supplier or an admin may change it.');
    return { actor, product };
  }
}

/**
 * A store tied to a distributor (ANP 958/2023) lists only that distributor's brand; the brand as
 * the store spells it is kept ("ultragaz" in a Ultragaz store is Ultragaz).
 */
function allowedBrand(store: Store, brand: string): string {
  if (store.resellerType !== 'BRANDED' || store.brand === null) return brand;
  if (brand.toLocaleLowerCase('pt-BR') !== store.brand.toLocaleLowerCase('pt-BR')) {
    throw productErrors.error(
      'STORE_BRAND_RESTRICTED',
      `${store.name} is tied to ${store.brand} and lists only ${store.brand} cylinders, not ${brand}.`,
      {
        storeBrand: store.brand,
      },
    );
  }
  return store.brand;
}

/**
 * A supplier sells only once an admin has approved its documents; until then
 * it may prepare inactive products. Admins act for suppliers and are trusted.
 */
function requireVerifiedUnlessAdmin(actor: Viewer): void {
  if (!hasRole(actor, Role.ADMIN)) requireVerified(actor, 'activate products');
}
