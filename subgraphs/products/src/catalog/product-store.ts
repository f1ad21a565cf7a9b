import { escapeLikePattern, isUuid, newestFirstPage, pageOf, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import { Prisma, type CylinderType, type ProductRow, type ProductsDatabase } from '../database.js';
import type { SaleType } from '../events/index.js';

export type Product = ProductRow;

export interface NewProduct {
  id: string;
  supplierId: string;
  storeId: string;
  brand: string;
  saleType: SaleType;
  name: string;
  description: string;
  cylinderType: CylinderType;
  sizeGrams: number;
  priceCents: number;
  currency: string;
  stockQuantity: number;
  lowStockThreshold: number | null;
  active: boolean;
}

export type ProductPatch = Partial<Omit<NewProduct, 'id' | 'supplierId' | 'storeId'>>;

export interface CatalogQuery {
  search?: string;
  cylinderType?: CylinderType;
  supplierId?: string;
  storeId?: string;
  saleType?: SaleType;
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

/** The events a change causes, from the row before and after it; written in the change's transaction. */
export type ChangeEvents = (before: Product | null, after: Product | null) => PendingEvent[];

export interface ProductStore {
  create(product: NewProduct, events: ChangeEvents): Promise<Product>;
  findById(id: string): Promise<Product | null>;
  findByIds(ids: readonly string[]): Promise<Product[]>;
  list(query: CatalogQuery): Promise<ProductPage>;
  /** One page per supplier in a single statement, for batched `User.products`. */
  firstPagesBySupplier(supplierIds: readonly string[], first: number, includeInactive: boolean): Promise<Map<string, ProductPage>>;
  update(id: string, patch: ProductPatch, events: ChangeEvents): Promise<Product | null>;
  delete(id: string, events: ChangeEvents): Promise<boolean>;
  /** The products of a store whose brand is not this one (a store tying itself to a brand). */
  idsInStoreNotOfBrand(storeId: string, brand: string): Promise<string[]>;
  /** Deactivates every active product of a supplier; returns the products it changed. */
  deactivateAllOf(supplierId: string, transaction: ProductsTransaction, events: ChangeEvents): Promise<Product[]>;
}

export type ProductsTransaction = Parameters<Parameters<ProductsDatabase['$transaction']>[0]>[0];

export function productStore(database: ProductsDatabase): ProductStore {
  const filterOf = (query: Omit<CatalogQuery, 'first' | 'after' | 'search'>): Prisma.ProductWhereInput => ({
    ...(query.includeInactive ? {} : { active: true }),
    ...(query.supplierId === undefined ? {} : { supplierId: query.supplierId }),
    ...(query.cylinderType === undefined ? {} : { cylinderType: query.cylinderType }),
    ...(query.storeId === undefined ? {} : { storeId: query.storeId }),
    ...(query.saleType === undefined ? {} : { saleType: query.saleType }),
  });
  /**
   * A search page in SQL, because Prisma cannot filter on a function of a column:
   * names and the text searched for are both folded by catalog_search_text (no
   * accents, lower case), which the trigram index on products covers. The page's
   * ids and the total come from here; the rows from Prisma, like every other read.
   */
  async function searchPage(query: CatalogQuery & { search: string }): Promise<ProductPage> {
    // Unescaped, "100%" would also match "1000"; folding leaves the backslashes alone.
    const pattern = escapeLikePattern(query.search);
    const conditions = Prisma.join(
      [
        Prisma.sql`catalog_search_text(p.name) like '%' || catalog_search_text(${pattern}) || '%'`,
        ...(query.includeInactive ? [] : [Prisma.sql`p.active`]),
        ...(query.supplierId === undefined ? [] : [Prisma.sql`p.supplier_id = ${query.supplierId}::uuid`]),
        ...(query.cylinderType === undefined ? [] : [Prisma.sql`p.cylinder_type = ${query.cylinderType}::"CylinderType"`]),
        ...(query.storeId === undefined ? [] : [Prisma.sql`p.store_id = ${query.storeId}::uuid`]),
        ...(query.saleType === undefined ? [] : [Prisma.sql`p.sale_type = ${query.saleType}::"SaleType"`]),
      ],
      ' and ',
    );
    const after =
      query.after === undefined ? Prisma.empty : Prisma.sql`where (created_at, id) < (${query.after.createdAt}, ${query.after.id}::uuid)`;
    // One statement for the page's ids and the total, as the Prisma path takes one each.
    const [result] = await database.$queryRaw<Array<{ total: number; ids: string[] }>>`
      with matching as (select p.id, p.created_at from products p where ${conditions})
      select
        (select count(*)::int from matching) as total,
        coalesce((
          select array_agg(page.id::text order by page.created_at desc, page.id desc)
          from (select id, created_at from matching ${after} order by created_at desc, id desc limit ${query.first + 1}) as page
        ), '{}') as ids`;
    const ids = result?.ids ?? [];
    const found =
      ids.length === 0
        ? []
        : await database.product.findMany({
            where: { id: { in: ids } },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          });
    const { nodes, hasNextPage } = pageOf(found, query.first);
    return { products: nodes, hasNextPage, totalCount: result?.total ?? 0 };
  }
  return {
    create: (product, events) =>
      database.$transaction(async (transaction) => {
        const created = await transaction.product.create({ data: product });
        await recordEvents(transaction, events(null, created));
        return created;
      }),
    findById: async (id) => (isUuid(id) ? database.product.findUnique({ where: { id } }) : null),
    findByIds: (ids) => database.product.findMany({ where: { id: { in: ids.filter(isUuid) } } }),
    async list(query) {
      if (query.search !== undefined) return searchPage({ ...query, search: query.search });
      const filter = filterOf(query);
      const [rows, totalCount] = await Promise.all([
        database.product.findMany(newestFirstPage(filter, query.after, query.first)),
        database.product.count({ where: filter }),
      ]);
      const { nodes, hasNextPage } = pageOf(rows, query.first);
      return { products: nodes, hasNextPage, totalCount };
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
      const products =
        rows.length === 0
          ? []
          : await database.product.findMany({
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
    async update(id, patch, events) {
      if (!isUuid(id)) return null;
      return database.$transaction(async (transaction) => {
        // Locks the row, so the events' "before" is the state this update really replaced.
        const locked = await transaction.$queryRaw<Array<{ id: string }>>`select id from products where id = ${id}::uuid for update`;
        if (locked.length === 0) return null;
        const before = await transaction.product.findUniqueOrThrow({ where: { id } });
        const after = await transaction.product.update({ where: { id }, data: patch });
        await recordEvents(transaction, events(before, after));
        return after;
      });
    },
    async delete(id, events) {
      if (!isUuid(id)) return false;
      return database.$transaction(async (transaction) => {
        const before = await transaction.product.findUnique({ where: { id } });
        if (before === null) return false;
        const { count } = await transaction.product.deleteMany({ where: { id } });
        if (count === 0) return false;
        await recordEvents(transaction, events(before, null));
        return true;
      });
    },
    async idsInStoreNotOfBrand(storeId, brand) {
      if (!isUuid(storeId)) return [];
      const rows = await database.product.findMany({
        where: { storeId, brand: { not: brand } },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      return rows.map((row) => row.id);
    },
    async deactivateAllOf(supplierId, transaction, events) {
      const targets = await transaction.product.findMany({ where: { supplierId, active: true } });
      if (targets.length === 0) return [];
      await transaction.product.updateMany({ where: { id: { in: targets.map((product) => product.id) } }, data: { active: false } });
      const changed = await transaction.product.findMany({ where: { id: { in: targets.map((product) => product.id) } } });
      const before = new Map(targets.map((product) => [product.id, product]));
      await recordEvents(
        transaction,
        changed.flatMap((product) => events(before.get(product.id) ?? null, product)),
      );
      return changed;
    },
  };
}
