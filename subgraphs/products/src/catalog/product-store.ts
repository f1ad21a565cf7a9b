import { escapeLikePattern, isUuid, type KeysetCursor } from '#kit';
import { Prisma, type CylinderType, type ProductRow, type ProductsDatabase } from '../database.js';

export type Product = ProductRow;

export interface NewProduct {
  id: string;
  supplierId: string;
  name: string;
  description: string;
  cylinderType: CylinderType;
  sizeGrams: number;
  priceCents: number;
  currency: string;
  stockQuantity: number;
  active: boolean;
}

export type ProductPatch = Partial<Omit<NewProduct, 'id' | 'supplierId'>>;

export interface CatalogQuery {
  search?: string;
  cylinderType?: CylinderType;
  supplierId?: string;
  /** Include inactive products; only for their supplier and admins. */
  includeInactive?: boolean;
  first: number;
  after?: KeysetCursor;
}

export interface ProductPage {
  products: Product[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface ProductStore {
  create(product: NewProduct): Promise<Product>;
  findById(id: string): Promise<Product | null>;
  findByIds(ids: readonly string[]): Promise<Product[]>;
  list(query: CatalogQuery): Promise<ProductPage>;
  /** One page per supplier in a single statement, for batched `User.products`. */
  firstPagesBySupplier(supplierIds: readonly string[], first: number, includeInactive: boolean): Promise<Map<string, ProductPage>>;
  update(id: string, patch: ProductPatch): Promise<Product | null>;
  delete(id: string): Promise<boolean>;
}

export function productStore(database: ProductsDatabase): ProductStore {
  const filterOf = (query: Omit<CatalogQuery, 'first' | 'after'>): Prisma.ProductWhereInput => ({
    ...(query.includeInactive ? {} : { active: true }),
    ...(query.supplierId === undefined ? {} : { supplierId: query.supplierId }),
    ...(query.cylinderType === undefined ? {} : { cylinderType: query.cylinderType }),
    // Prisma passes `contains` to ILIKE unescaped: without this, "100%" would also match "1000".
    ...(query.search === undefined ? {} : { name: { contains: escapeLikePattern(query.search), mode: 'insensitive' } }),
  });
  return {
    create: (product) => database.product.create({ data: product }),
    findById: async (id) => (isUuid(id) ? database.product.findUnique({ where: { id } }) : null),
    findByIds: (ids) => database.product.findMany({ where: { id: { in: ids.filter(isUuid) } } }),
    async list(query) {
      const filter = filterOf(query);
      const where: Prisma.ProductWhereInput =
        query.after === undefined
          ? filter
          : {
              AND: [
                filter,
                {
                  OR: [
                    { createdAt: { lt: query.after.createdAt } },
                    { createdAt: query.after.createdAt, id: { lt: query.after.id } },
                  ],
                },
              ],
            };
      const [rows, totalCount] = await Promise.all([
        database.product.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: query.first + 1 }),
        database.product.count({ where: filter }),
      ]);
      return { products: rows.slice(0, query.first), hasNextPage: rows.length > query.first, totalCount };
    },
    async firstPagesBySupplier(supplierIds, first, includeInactive) {
      const ids = [...new Set(supplierIds)].filter(isUuid);
      const [rows, counts] = await Promise.all([
        database.$queryRaw<Array<{ id: string }>>`
          select page.id from unnest(${ids}::uuid[]) as supplier(id)
          cross join lateral (
            select p.id from products p
            where p.supplier_id = supplier.id and (${includeInactive} or p.active)
            order by p.created_at desc, p.id desc
            limit ${first + 1}
          ) as page`,
        database.product.groupBy({
          by: ['supplierId'],
          where: { supplierId: { in: ids }, ...(includeInactive ? {} : { active: true }) },
          _count: { _all: true },
        }),
      ]);
      const products = rows.length === 0 ? [] : await database.product.findMany({
        where: { id: { in: rows.map((row) => row.id) } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      const pages = new Map<string, ProductPage>(ids.map((id) => [id, { products: [], hasNextPage: false, totalCount: 0 }]));
      for (const product of products) pages.get(product.supplierId)?.products.push(product);
      for (const count of counts) {
        const page = pages.get(count.supplierId);
        if (page !== undefined) page.totalCount = count._count._all;
      }
      for (const page of pages.values()) {
        page.hasNextPage = page.products.length > first;
        page.products = page.products.slice(0, first);
      }
      return pages;
    },
    async update(id, patch) {
      if (!isUuid(id)) return null;
      try {
        return await database.product.update({ where: { id }, data: patch });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return null;
        throw error;
      }
    },
    async delete(id) {
      if (!isUuid(id)) return false;
      const { count } = await database.product.deleteMany({ where: { id } });
      return count === 1;
    },
  };
}
