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

export interface CreateProductInput extends ProductFields {
  name: string;
  cylinderType: CylinderType;
  priceAmount: number;
  stockQuantity: number;
  supplierId?: string | null;
}

/** May this viewer see an inactive product, or change a product? Only its supplier and admins. */
export function managesProduct(viewer: Viewer | null, product: Pick<Product, 'supplierId'>): boolean {
  return viewer !== null && (viewer.userId === product.supplierId || hasRole(viewer, Role.ADMIN));
}

/** The catalog's write side: who may change what, and the rules a product obeys. */
export class CatalogService {
  constructor(private readonly products: ProductStore) {}

  async create(viewer: Viewer | null, input: CreateProductInput, origin: EventOrigin): Promise<Product> {
    const actor = requireRole(viewer, Role.SUPPLIER, Role.ADMIN);
    const isAdmin = hasRole(actor, Role.ADMIN);
    if (input.supplierId && !isAdmin && input.supplierId !== actor.userId) {
      throw forbidden('Suppliers can only create products in their own catalog; leave supplierId out.');
    }
    const supplierId = input.supplierId ?? (hasRole(actor, Role.SUPPLIER) ? actor.userId : undefined);
    if (supplierId === undefined) {
      throw invalidInput([{ field: 'input.supplierId', message: 'is required when an admin creates a product' }]);
    }
    if (!isUuid(supplierId)) throw invalidInput([{ field: 'input.supplierId', message: 'is not a user id' }]);
    const fields = validateProductFields(input);
    const sellsNow = fields.active ?? (isAdmin || actor.verified);
    if (sellsNow) requireVerifiedUnlessAdmin(actor);
    return this.products.create(
      {
        id: randomUUID(),
        supplierId,
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
    const actor = (await this.requireManaged(viewer, id)).actor;
    const fields = validateProductFields(input);
    if (fields.active === true) requireVerifiedUnlessAdmin(actor);
    const updated = await this.products.update(id, fields, productChangeEvents(origin));
    if (updated === null) throw notFound('Product');
    return updated;
  }

  async delete(viewer: Viewer | null, id: string, origin: EventOrigin): Promise<string> {
    await this.requireManaged(viewer, id);
    if (!(await this.products.delete(id, productChangeEvents(origin)))) throw notFound('Product');
    return id;
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
 * A supplier sells only once an admin has approved its documents; until then
 * it may prepare inactive products. Admins act for suppliers and are trusted.
 */
function requireVerifiedUnlessAdmin(actor: Viewer): void {
  if (!hasRole(actor, Role.ADMIN)) requireVerified(actor, 'activate products');
}
