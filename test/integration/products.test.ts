import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaLike, StartedSubgraph } from '#kit';
import { firstCode, type GraphQLExchange } from '../support/graphql-client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createAdmin, registerUser, type SignedInUser } from '../support/users.js';
import { openStore, supplierWithStore } from '../support/stores.js';

let test: TestPlatform;
beforeAll(async () => {
  test = await startTestPlatform();
});
afterAll(async () => {
  await test?.stop();
});

// ---------------------------------------------------------------------------
// Operations and helpers
// ---------------------------------------------------------------------------

type CylinderType = 'P2' | 'P5' | 'P8' | 'P13' | 'P20' | 'P45' | 'P90';

interface ProductView {
  id: string;
  name: string;
  description: string;
  cylinderType: CylinderType;
  sizeKg: number;
  price: { amount: number; currency: string };
  stockQuantity: number;
  active: boolean;
  supplier: { id: string };
  createdAt: string;
  updatedAt: string;
}

interface ProductPage<Node = { id: string }> {
  totalCount: number;
  nodes: Node[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const productFields =
  'id name description cylinderType sizeKg price { amount currency } stockQuantity active supplier { id } createdAt updatedAt';

const createMutation = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { ${productFields} } }`;
const updateMutation = `mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${productFields} } }`;
const deleteMutation = `mutation ($id: ID!) { deleteProduct(id: $id) }`;
const productQuery = `query ($id: ID!) { product(id: $id) { ${productFields} } }`;
const catalogQuery = `query ($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after) { totalCount nodes { id name active cylinderType supplier { id } } pageInfo { endCursor hasNextPage } }
}`;

/** A token unlikely to appear in any other test's product names, to search by. */
const uniqueTag = () => `tag${randomBytes(4).toString('hex')}`;

/** Variables without a token, or with the caller's. */
const as = (user: SignedInUser | undefined, variables: Record<string, unknown> = {}) =>
  user === undefined ? { variables } : { token: user.accessToken, variables };

async function createProduct(owner: SignedInUser, input: Record<string, unknown> = {}): Promise<ProductView> {
  const result = await test.query<{ createProduct: ProductView }>(createMutation, {
    token: owner.accessToken,
    variables: { input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10, ...input } },
  });
  if (!result.data?.createProduct) throw new Error(`createProduct failed: ${JSON.stringify(result.errors)}`);
  return result.data.createProduct;
}

async function productAs(user: SignedInUser | undefined, id: string): Promise<GraphQLExchange<{ product: ProductView | null }>> {
  return test.query<{ product: ProductView | null }>(productQuery, as(user, { id }));
}

async function catalog(
  variables: { filter?: Record<string, unknown>; first?: number; after?: string | null },
  user?: SignedInUser,
): Promise<
  GraphQLExchange<{
    products: ProductPage<{ id: string; name: string; active: boolean; cylinderType: CylinderType; supplier: { id: string } }>;
  }>
> {
  return test.query(catalogQuery, as(user, variables));
}

/** Every page of a catalog query, following endCursor until hasNextPage is false. */
async function allPages(filter: Record<string, unknown>, first: number, user?: SignedInUser) {
  const pages: Array<ProductPage<{ id: string }>> = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard += 1) {
    const result = await catalog({ filter, first, after }, user);
    expect(result.errors).toBeUndefined();
    const page = result.data!.products;
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

/** Newest first, ties broken by id descending: the order the API promises. */
const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

/** The field paths named in a BAD_USER_INPUT error. */
const badFields = (result: GraphQLExchange) =>
  ((result.errors?.[0]?.extensions?.['fields'] ?? []) as Array<{ field: string }>).map((problem) => problem.field);

/** Runs tasks at most `width` at a time. */
async function inBatches<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += width) {
    results.push(...(await Promise.all(tasks.slice(start, start + width).map((task) => task()))));
  }
  return results;
}

const statementsOf = (subgraph: string) => test.statements.get(subgraph) ?? [];

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('a supplier under review', () => {
  it('prepares inactive products, and cannot activate one until its documents are approved', async () => {
    const unverified = await registerUser(test, 'SUPPLIER', 'Gás em Análise');
    await openStore(test, unverified);
    const draft = await createProduct(unverified, { name: 'Botijão rascunho' });
    expect(draft.active).toBe(false);
    const anonymous = await productAs(undefined, draft.id);
    expect(anonymous.data!.product).toBeNull();

    const activeAtOnce = await test.query(
      createMutation,
      as(unverified, { input: { name: 'Botijão já', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 1, active: true } }),
    );
    expect(activeAtOnce.status).toBe(403);
    expect(activeAtOnce.errors?.[0]?.extensions?.['code']).toBe('VERIFICATION_REQUIRED');

    const activation = await test.query(updateMutation, as(unverified, { id: draft.id, input: { active: true } }));
    expect(activation.errors?.[0]?.extensions?.['code']).toBe('VERIFICATION_REQUIRED');
    // Other changes to a draft stay possible while the review runs.
    const repriced = await test.query<{ updateProduct: ProductView }>(
      updateMutation,
      as(unverified, { id: draft.id, input: { priceAmount: 10_500 } }),
    );
    expect(repriced.data?.updateProduct).toMatchObject({ active: false, price: { amount: 10_500 } });

    const admin = await createAdmin(test);
    const byAdmin = await test.query<{ updateProduct: ProductView }>(updateMutation, as(admin, { id: draft.id, input: { active: true } }));
    expect(byAdmin.data?.updateProduct.active).toBe(true);
  });
});

describe('creating and browsing the catalog', () => {
  it('lets a supplier create a product with BRL, the nominal size and active as defaults, and see it', async () => {
    const supplier = await supplierWithStore(test, 'Gás Bom');
    const created = await createProduct(supplier, {
      name: '  Botijão   P13  ',
      cylinderType: 'P13',
      priceAmount: 11_000,
      stockQuantity: 25,
    });
    expect(created).toMatchObject({
      name: 'Botijão P13',
      description: '',
      cylinderType: 'P13',
      sizeKg: 13,
      price: { amount: 11_000, currency: 'BRL' },
      stockQuantity: 25,
      active: true,
      supplier: { id: supplier.id },
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);

    const p45 = await createProduct(supplier, { name: 'Cilindro P45', cylinderType: 'P45', currency: 'usd', sizeKg: 44.5 });
    expect(p45).toMatchObject({ sizeKg: 44.5, price: { amount: 11_000, currency: 'USD' } });
    const p2 = await createProduct(supplier, { name: 'Botijão P2', cylinderType: 'P2' });
    expect(p2.sizeKg).toBe(2);

    const seen = await productAs(supplier, created.id);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.product).toEqual(created);
    const anonymous = await productAs(undefined, created.id);
    expect(anonymous.data!.product).toEqual(created);
  });

  it('lets anonymous callers search the active catalog by name, case-insensitively, by cylinder type and by supplier', async () => {
    const tag = uniqueTag();
    const first = await supplierWithStore(test, 'Distribuidora Norte');
    const second = await supplierWithStore(test, 'Distribuidora Sul');
    const a = await createProduct(first, { name: `Botijão Azul ${tag}`, cylinderType: 'P13' });
    const b = await createProduct(first, { name: `Cilindro Industrial ${tag}`, cylinderType: 'P45' });
    const c = await createProduct(second, { name: `BOTIJÃO VERDE ${tag}`, cylinderType: 'P13' });
    await createProduct(second, { name: `Botijão Escondido ${tag}`, cylinderType: 'P13', active: false });

    const byTag = await catalog({ filter: { search: tag.toUpperCase() } });
    expect(byTag.status).toBe(200);
    expect(byTag.errors).toBeUndefined();
    expect(byTag.data!.products.totalCount).toBe(3);
    expect(byTag.data!.products.nodes.map((node) => node.id).sort()).toEqual([a.id, b.id, c.id].sort());

    // "botijão" matches "Botijão" and "BOTIJÃO" (accents included) but not "Cilindro"; the inactive one stays hidden.
    const firstBotijoes = await catalog({ filter: { search: 'botijão', supplierId: first.id } });
    expect(firstBotijoes.data!.products.nodes.map((node) => node.id)).toEqual([a.id]);
    const secondBotijoes = await catalog({ filter: { search: 'botijão', supplierId: second.id } });
    expect(secondBotijoes.data!.products.nodes.map((node) => node.id)).toEqual([c.id]);
    const mixedCase = await catalog({ filter: { search: `bOtIjÃo vErDe ${tag}` } });
    expect(mixedCase.data!.products.nodes.map((node) => node.id)).toEqual([c.id]);

    const byType = await catalog({ filter: { search: tag, cylinderType: 'P45' } });
    expect(byType.data!.products).toMatchObject({ totalCount: 1, nodes: [{ id: b.id, cylinderType: 'P45' }] });

    const bySupplier = await catalog({ filter: { supplierId: second.id } });
    expect(bySupplier.data!.products.totalCount).toBe(1);
    expect(bySupplier.data!.products.nodes).toEqual([expect.objectContaining({ id: c.id, supplier: { id: second.id }, active: true })]);

    const combined = await catalog({ filter: { supplierId: first.id, cylinderType: 'P13', search: 'AZUL' } });
    expect(combined.data!.products.nodes.map((node) => node.id)).toEqual([a.id]);

    const nothing = await catalog({ filter: { search: `${tag}-no-such-product` } });
    expect(nothing.data!.products).toEqual({ totalCount: 0, nodes: [], pageInfo: { endCursor: null, hasNextPage: false } });
  });

  it('pages through the catalog newest first without overlaps or gaps', async () => {
    const supplier = await supplierWithStore(test, 'Gás Paginado');
    const created: ProductView[] = [];
    for (let index = 0; index < 7; index += 1) created.push(await createProduct(supplier, { name: `Botijão número ${index}` }));
    const expectedOrder = [...created].sort(newestFirst).map((product) => product.id);

    const pages = await allPages({ supplierId: supplier.id }, 3);
    expect(pages.map((page) => page.nodes.length)).toEqual([3, 3, 1]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.every((page) => page.totalCount === 7)).toBe(true);
    for (const page of pages) expect(page.pageInfo.endCursor).toEqual(expect.any(String));

    const listed = pages.flatMap((page) => page.nodes.map((node) => node.id));
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expectedOrder);

    // A page that ends exactly at the last product says there is nothing more.
    const exact = await allPages({ supplierId: supplier.id }, 7);
    expect(exact).toHaveLength(1);
    expect(exact[0]!.pageInfo.hasNextPage).toBe(false);
    expect(exact[0]!.nodes.map((node) => node.id)).toEqual(expectedOrder);
  });

  it('pages through a search as well, and uses 20 as the default page size', async () => {
    const tag = uniqueTag();
    const supplier = await supplierWithStore(test, 'Gás Vinte e Dois');
    const created = await inBatches(
      Array.from({ length: 22 }, (_, index) => () => createProduct(supplier, { name: `Carga ${tag} ${index}`, cylinderType: 'P8' })),
      11,
    );
    const firstPage = await catalog({ filter: { search: tag } });
    expect(firstPage.data!.products.nodes).toHaveLength(20);
    expect(firstPage.data!.products.pageInfo.hasNextPage).toBe(true);
    expect(firstPage.data!.products.totalCount).toBe(22);

    const pages = await allPages({ search: tag }, 5);
    expect(pages).toHaveLength(5);
    const listed = pages.flatMap((page) => page.nodes.map((node) => node.id));
    expect(listed).toEqual([...created].sort(newestFirst).map((product) => product.id));
  });
});

describe('inactive products', () => {
  let owner: SignedInUser;
  let otherSupplier: SignedInUser;
  let customer: SignedInUser;
  let admin: SignedInUser;
  let hidden: ProductView;
  let visible: ProductView;
  let tag: string;

  beforeAll(async () => {
    tag = uniqueTag();
    [owner, otherSupplier, customer, admin] = await Promise.all([
      supplierWithStore(test, 'Gás Reservado'),
      supplierWithStore(test, 'Concorrente'),
      registerUser(test, 'CUSTOMER'),
      createAdmin(test),
    ]);
    visible = await createProduct(owner, { name: `Botijão à venda ${tag}` });
    hidden = await createProduct(owner, { name: `Botijão fora de linha ${tag}`, active: false });
  });

  it('are hidden from the catalog, for every caller', async () => {
    for (const caller of [undefined, customer, otherSupplier, owner, admin]) {
      const result = await catalog({ filter: { search: tag } }, caller);
      expect(result.data!.products.nodes.map((node) => node.id)).toEqual([visible.id]);
      expect(result.data!.products.totalCount).toBe(1);
    }
  });

  it('are not found by id for anonymous callers, customers and other suppliers', async () => {
    for (const caller of [undefined, customer, otherSupplier]) {
      const result = await productAs(caller, hidden.id);
      expect(result.errors).toBeUndefined();
      expect(result.data!.product).toBeNull();
    }
  });

  it('are visible by id to their supplier and to admins', async () => {
    for (const caller of [owner, admin]) {
      const result = await productAs(caller, hidden.id);
      expect(result.errors).toBeUndefined();
      expect(result.data!.product).toMatchObject({ id: hidden.id, active: false });
    }
  });

  it('are listed under their supplier’s own me.products, but not under the supplier as others see it', async () => {
    const own = await test.query(`{ me { products { totalCount nodes { id active } } } }`, { token: owner.accessToken });
    expect(own.errors).toBeUndefined();
    expect(own.data!['me'].products).toEqual({
      totalCount: 2,
      nodes: [
        { id: hidden.id, active: false },
        { id: visible.id, active: true },
      ],
    });

    const throughProduct = `query ($id: ID!) { product(id: $id) { supplier { products { totalCount nodes { id } } } } }`;
    for (const caller of [undefined, customer, otherSupplier]) {
      const seen = await test.query(throughProduct, as(caller, { id: visible.id }));
      expect(seen.errors).toBeUndefined();
      expect(seen.data!['product'].supplier.products).toEqual({ totalCount: 1, nodes: [{ id: visible.id }] });
    }
    const byAdmin = await test.query(throughProduct, as(admin, { id: visible.id }));
    expect(byAdmin.data!['product'].supplier.products.totalCount).toBe(2);
    expect(byAdmin.data!['product'].supplier.products.nodes.map((node: { id: string }) => node.id)).toEqual([hidden.id, visible.id]);
  });

  it('return to the catalog when their supplier activates them again', async () => {
    const activated = await test.query(updateMutation, as(owner, { id: hidden.id, input: { active: true } }));
    expect(activated.errors).toBeUndefined();
    const anonymous = await productAs(undefined, hidden.id);
    expect(anonymous.data!.product).toMatchObject({ id: hidden.id, active: true });
    const listed = await catalog({ filter: { search: tag } });
    expect(listed.data!.products.totalCount).toBe(2);
    await test.query(updateMutation, as(owner, { id: hidden.id, input: { active: false } }));
    expect((await productAs(undefined, hidden.id)).data!.product).toBeNull();
  });
});

describe('who may change the catalog', () => {
  let owner: SignedInUser;
  let otherSupplier: SignedInUser;
  let customer: SignedInUser;
  let admin: SignedInUser;
  let product: ProductView;

  beforeAll(async () => {
    [owner, otherSupplier, customer, admin] = await Promise.all([
      supplierWithStore(test, 'Gás do Dono'),
      supplierWithStore(test, 'Gás Alheio'),
      registerUser(test, 'CUSTOMER'),
      createAdmin(test),
    ]);
    product = await createProduct(owner, { name: 'Botijão protegido', priceAmount: 10_000 });
  });

  it('refuses createProduct to customers with FORBIDDEN and to anonymous callers with UNAUTHENTICATED', async () => {
    const input = { name: 'Botijão pirata', cylinderType: 'P13', priceAmount: 5_000, stockQuantity: 1 };
    const byCustomer = await test.query(createMutation, as(customer, { input }));
    expect(byCustomer.status).toBe(403);
    expect(firstCode(byCustomer)).toBe('FORBIDDEN');
    expect(byCustomer.data).toBeNull();

    const anonymous = await test.query(createMutation, as(undefined, { input }));
    expect(anonymous.status).toBe(401);
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');

    const listed = await catalog({ filter: { search: 'Botijão pirata' } });
    expect(listed.data!.products.totalCount).toBe(0);
  });

  it('refuses updateProduct and deleteProduct to customers and other suppliers with FORBIDDEN, leaving the product unchanged', async () => {
    for (const caller of [customer, otherSupplier]) {
      const update = await test.query(updateMutation, as(caller, { id: product.id, input: { priceAmount: 1 } }));
      expect(update.status).toBe(403);
      expect(firstCode(update)).toBe('FORBIDDEN');
      const removal = await test.query(deleteMutation, as(caller, { id: product.id }));
      expect(removal.status).toBe(403);
      expect(firstCode(removal)).toBe('FORBIDDEN');
    }
    const after = await productAs(undefined, product.id);
    expect(after.data!.product).toMatchObject({ id: product.id, price: { amount: 10_000 } });
  });

  it('answers another supplier changing an inactive product exactly as for a product that does not exist', async () => {
    const hidden = await createProduct(owner, { name: 'Botijão em preparo', active: false });
    const missing = randomUUID();
    const answers = async (id: string) => {
      const update = await test.query(updateMutation, as(otherSupplier, { id, input: { priceAmount: 1 } }));
      const removal = await test.query(deleteMutation, as(otherSupplier, { id }));
      return [update, removal].map((exchange) => ({ status: exchange.status, errors: exchange.errors, data: exchange.data }));
    };
    expect(await answers(hidden.id)).toEqual(await answers(missing));
    expect(firstCode(await test.query(updateMutation, as(customer, { id: hidden.id, input: { priceAmount: 1 } })))).toBe('NOT_FOUND');
    const unchanged = await productAs(owner, hidden.id);
    expect(unchanged.data!.product).toMatchObject({ id: hidden.id, active: false, price: { amount: 11_000 } });
  });

  it('refuses updateProduct and deleteProduct to anonymous callers with UNAUTHENTICATED', async () => {
    const update = await test.query(updateMutation, as(undefined, { id: product.id, input: { priceAmount: 1 } }));
    expect(update.status).toBe(401);
    expect(firstCode(update)).toBe('UNAUTHENTICATED');
    const removal = await test.query(deleteMutation, as(undefined, { id: product.id }));
    expect(removal.status).toBe(401);
    expect(firstCode(removal)).toBe('UNAUTHENTICATED');
    expect((await productAs(undefined, product.id)).data!.product).not.toBeNull();
  });

  it('lets the owner change only the fields given', async () => {
    const updated = await test.query<{ updateProduct: ProductView }>(
      updateMutation,
      as(owner, { id: product.id, input: { priceAmount: 12_500, stockQuantity: 0, description: ' Entrega em 30 minutos ' } }),
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateProduct).toMatchObject({
      id: product.id,
      name: 'Botijão protegido',
      description: 'Entrega em 30 minutos',
      cylinderType: 'P13',
      sizeKg: 13,
      price: { amount: 12_500, currency: 'BRL' },
      stockQuantity: 0,
      active: true,
      supplier: { id: owner.id },
      createdAt: product.createdAt,
    });
    expect(Date.parse(updated.data!.updateProduct.updatedAt)).toBeGreaterThanOrEqual(Date.parse(product.updatedAt));
    expect((await productAs(undefined, product.id)).data!.product).toEqual(updated.data!.updateProduct);
  });

  it('lets an admin change anybody’s product', async () => {
    const updated = await test.query<{ updateProduct: ProductView }>(
      updateMutation,
      as(admin, { id: product.id, input: { name: 'Botijão revisado' } }),
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateProduct).toMatchObject({ name: 'Botijão revisado', supplier: { id: owner.id } });
  });

  it('answers an unknown product id on update and delete with NOT_FOUND', async () => {
    const update = await test.query(updateMutation, as(owner, { id: randomUUID(), input: { priceAmount: 9_000 } }));
    expect(update.status).toBe(404);
    expect(firstCode(update)).toBe('NOT_FOUND');
    const removal = await test.query(deleteMutation, as(admin, { id: randomUUID() }));
    expect(removal.status).toBe(404);
    expect(firstCode(removal)).toBe('NOT_FOUND');
  });

  it('makes an admin name the supplier when creating a product, and creates it in that supplier’s catalog', async () => {
    const input = { name: 'Botijão da casa', cylinderType: 'P13', priceAmount: 9_900, stockQuantity: 3 };
    const withoutSupplier = await test.query(createMutation, as(admin, { input }));
    expect(withoutSupplier.status).toBe(400);
    expect(firstCode(withoutSupplier)).toBe('BAD_USER_INPUT');
    expect(badFields(withoutSupplier)).toEqual(['input.supplierId']);

    const forOwner = await test.query<{ createProduct: ProductView }>(
      createMutation,
      as(admin, { input: { ...input, supplierId: owner.id } }),
    );
    expect(forOwner.errors).toBeUndefined();
    expect(forOwner.data!.createProduct.supplier).toEqual({ id: owner.id });
    const mine = await test.query(`{ me { products(first: 100) { nodes { id } } } }`, { token: owner.accessToken });
    expect(mine.data!['me'].products.nodes).toContainEqual({ id: forOwner.data!.createProduct.id });
  });

  it('refuses a supplier creating a product in somebody else’s catalog, but accepts their own id', async () => {
    const input = { name: 'Botijão emprestado', cylinderType: 'P13', priceAmount: 9_900, stockQuantity: 3 };
    const foreign = await test.query(createMutation, as(otherSupplier, { input: { ...input, supplierId: owner.id } }));
    expect(foreign.status).toBe(403);
    expect(firstCode(foreign)).toBe('FORBIDDEN');
    const listed = await catalog({ filter: { supplierId: owner.id, search: 'emprestado' } });
    expect(listed.data!.products.totalCount).toBe(0);

    const own = await test.query<{ createProduct: ProductView }>(
      createMutation,
      as(otherSupplier, { input: { ...input, supplierId: otherSupplier.id } }),
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.createProduct.supplier).toEqual({ id: otherSupplier.id });
  });
});

describe('input validation', () => {
  let supplier: SignedInUser;
  let product: ProductView;
  const valid = { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 10 };

  beforeAll(async () => {
    supplier = await supplierWithStore(test, 'Gás Validado');
    product = await createProduct(supplier);
  });

  it('lists every invalid field of a product in one BAD_USER_INPUT answer', async () => {
    const result = await test.query(
      createMutation,
      as(supplier, {
        input: { name: 'A', cylinderType: 'P13', sizeKg: 0, priceAmount: 0, currency: 'reais', stockQuantity: -1 },
      }),
    );
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors).toHaveLength(1);
    expect(badFields(result).sort()).toEqual(['input.currency', 'input.name', 'input.priceAmount', 'input.sizeKg', 'input.stockQuantity']);
    for (const field of badFields(result)) expect(result.errors![0]!.message).toContain(field);
    const listed = await catalog({ filter: { supplierId: supplier.id } });
    expect(listed.data!.products.totalCount).toBe(1);
  });

  it.each([
    ['a zero price', { priceAmount: 0 }, 'input.priceAmount'],
    ['a negative price', { priceAmount: -100 }, 'input.priceAmount'],
    ['a price above the maximum', { priceAmount: 10_000_001 }, 'input.priceAmount'],
    ['a negative stock', { stockQuantity: -1 }, 'input.stockQuantity'],
    ['a one-character name', { name: 'X' }, 'input.name'],
    ['a blank name', { name: '    ' }, 'input.name'],
    ['a currency that is not an ISO 4217 code', { currency: 'reais' }, 'input.currency'],
    ['a zero size', { sizeKg: 0 }, 'input.sizeKg'],
    ['a negative size', { sizeKg: -13 }, 'input.sizeKg'],
  ])('refuses %s with BAD_USER_INPUT naming that field', async (_label, change, field) => {
    const result = await test.query(createMutation, as(supplier, { input: { ...valid, ...change } }));
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(badFields(result)).toEqual([field]);
  });

  it('refuses a price that is not a whole number of centavos', async () => {
    const result = await test.query(createMutation, as(supplier, { input: { ...valid, priceAmount: 110.5 } }));
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
  });

  it('validates updates the same way, and leaves the product unchanged', async () => {
    const result = await test.query(
      updateMutation,
      as(supplier, {
        id: product.id,
        input: { name: 'B', priceAmount: -1, stockQuantity: -5, currency: 'R$', sizeKg: 0 },
      }),
    );
    expect(result.status).toBe(400);
    expect(firstCode(result)).toBe('BAD_USER_INPUT');
    expect(badFields(result).sort()).toEqual(['input.currency', 'input.name', 'input.priceAmount', 'input.sizeKg', 'input.stockQuantity']);
    expect((await productAs(supplier, product.id)).data!.product).toEqual(product);
  });

  it('refuses page sizes out of range with BAD_USER_INPUT', async () => {
    for (const first of [500, 101, 0, -1]) {
      const result = await catalog({ first });
      expect(result.status).toBe(400);
      expect(firstCode(result)).toBe('BAD_USER_INPUT');
      expect(badFields(result)).toEqual(['first']);
    }
    const fullPage = await catalog({ first: 100 });
    expect(fullPage.errors).toBeUndefined();

    const nested = await test.query(`{ me { products(first: 500) { totalCount } } }`, { token: supplier.accessToken });
    expect(firstCode(nested)).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor the API did not issue with BAD_USER_INPUT', async () => {
    for (const after of ['not-a-cursor', Buffer.from('yesterday|abc').toString('base64url'), '']) {
      const result = await catalog({ first: 5, after });
      if (after === '') {
        // An empty cursor means "from the start".
        expect(result.errors).toBeUndefined();
        continue;
      }
      expect(result.status).toBe(400);
      expect(firstCode(result)).toBe('BAD_USER_INPUT');
      expect(badFields(result)).toEqual(['after']);
    }
  });

  it('refuses a well-formed cursor whose position was forged with BAD_USER_INPUT, not an internal error', async () => {
    const forged = Buffer.from(`${new Date().toISOString()}|not-a-product-id`).toString('base64url');
    const catalogPage = await catalog({ first: 5, after: forged });
    const supplierPage = await test.query(`query ($after: String) { me { products(first: 5, after: $after) { totalCount } } }`, {
      token: supplier.accessToken,
      variables: { after: forged },
    });
    expect({ catalog: [catalogPage.status, firstCode(catalogPage)], userProducts: [supplierPage.status, firstCode(supplierPage)] }).toEqual(
      {
        catalog: [400, 'BAD_USER_INPUT'],
        userProducts: [400, 'BAD_USER_INPUT'],
      },
    );
  });
});

describe('federation with accounts', () => {
  it('resolves a product’s supplier name from the accounts subgraph', async () => {
    const supplier = await supplierWithStore(test, 'Ultragás Centro');
    const product = await createProduct(supplier);
    const result = await test.query(
      `query ($id: ID!) { product(id: $id) { name supplier { id name roles } } }`,
      as(undefined, { id: product.id }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!['product']).toEqual({
      name: 'Botijão P13',
      supplier: { id: supplier.id, name: 'Ultragás Centro', roles: ['SUPPLIER'] },
    });
  });

  it('adds products to me for a supplier, and an empty list for a customer', async () => {
    const supplier = await supplierWithStore(test, 'Liquigás Leste');
    const older = await createProduct(supplier, { name: 'Botijão P5', cylinderType: 'P5' });
    const newer = await createProduct(supplier, { name: 'Botijão P20', cylinderType: 'P20' });
    const me = await test.query(`{ me { id name products { totalCount nodes { id name sizeKg } pageInfo { hasNextPage } } } }`, {
      token: supplier.accessToken,
    });
    expect(me.errors).toBeUndefined();
    expect(me.data!['me']).toEqual({
      id: supplier.id,
      name: 'Liquigás Leste',
      products: {
        totalCount: 2,
        nodes: [
          { id: newer.id, name: 'Botijão P20', sizeKg: 20 },
          { id: older.id, name: 'Botijão P5', sizeKg: 5 },
        ],
        pageInfo: { hasNextPage: false },
      },
    });

    const customer = await registerUser(test, 'CUSTOMER');
    const empty = await test.query(`{ me { products { totalCount nodes { id } } } }`, { token: customer.accessToken });
    expect(empty.data!['me'].products).toEqual({ totalCount: 0, nodes: [] });
  });

  it('pages through a supplier’s products under User.products with after', async () => {
    const supplier = await supplierWithStore(test, 'Gás em Páginas');
    const created: ProductView[] = [];
    for (let index = 0; index < 5; index += 1) created.push(await createProduct(supplier, { name: `Botijão ${index}` }));
    const query = `query ($after: String) { me { products(first: 2, after: $after) { totalCount nodes { id } pageInfo { endCursor hasNextPage } } } }`;
    const listed: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard += 1) {
      const result = await test.query(query, { token: supplier.accessToken, variables: { after } });
      expect(result.errors).toBeUndefined();
      const page = result.data!['me'].products as ProductPage;
      expect(page.totalCount).toBe(5);
      listed.push(...page.nodes.map((node) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(listed).toEqual([...created].sort(newestFirst).map((product) => product.id));
  });

  it('crosses the boundary both ways: products to their supplier and back to the supplier’s products', async () => {
    const tag = uniqueTag();
    const supplier = await supplierWithStore(test, 'Gás Circular');
    await createProduct(supplier, { name: `Botijão ${tag} 1` });
    await createProduct(supplier, { name: `Botijão ${tag} 2` });
    await createProduct(supplier, { name: `Botijão ${tag} 3`, active: false });
    const result = await test.query(
      `query ($filter: ProductFilter) { products(filter: $filter) { nodes { supplier { name products { totalCount } } } } }`,
      as(undefined, { filter: { search: tag } }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!['products'].nodes).toEqual([
      { supplier: { name: 'Gás Circular', products: { totalCount: 2 } } },
      { supplier: { name: 'Gás Circular', products: { totalCount: 2 } } },
    ]);
  });
});

describe('batched entity resolution', () => {
  const supplierCount = 5;
  /** Uneven on purpose, so a mixed-up page shows in the counts: 10 + 15 + 20 + 25 + 30 = 100. */
  const productsPerSupplier = [10, 15, 20, 25, 30];
  let tag: string;
  let suppliers: Array<SignedInUser & { name: string }>;
  const createdBySupplier = new Map<string, ProductView[]>();

  beforeAll(async () => {
    tag = uniqueTag();
    suppliers = await Promise.all(
      Array.from({ length: supplierCount }, async (_, index) => {
        const name = `Fornecedor ${index + 1} ${tag}`;
        return { ...(await supplierWithStore(test, name)), name };
      }),
    );
    const tasks = suppliers.flatMap((supplier, index) =>
      Array.from(
        { length: productsPerSupplier[index]! },
        (_, n) => () => createProduct(supplier, { name: `Lote ${tag} ${index}-${n}`, cylinderType: n % 2 === 0 ? 'P13' : 'P45' }),
      ),
    );
    for (const product of await inBatches(tasks, 20)) {
      createdBySupplier.set(product.supplier.id, [...(createdBySupplier.get(product.supplier.id) ?? []), product]);
    }
  }, 120_000);

  it('resolves the suppliers of 100 products with one accounts query and at most three products queries', async () => {
    test.statements.clear();
    const result = await test.query(
      `query ($filter: ProductFilter) { products(filter: $filter, first: 100) { totalCount nodes { name supplier { id name } } } }`,
      as(undefined, { filter: { search: tag } }),
    );
    const accountsStatements = [...statementsOf('accounts')];
    const productsStatements = [...statementsOf('products')];
    expect(result.errors).toBeUndefined();
    expect(result.data!['products'].totalCount).toBe(100);
    const nodes = result.data!['products'].nodes as Array<{ name: string; supplier: { id: string; name: string } }>;
    expect(nodes).toHaveLength(100);
    const nameById = new Map(suppliers.map((supplier) => [supplier.id, supplier.name]));
    for (const node of nodes) expect(node.supplier.name).toBe(nameById.get(node.supplier.id));

    expect(accountsStatements.length, accountsStatements.join('\n')).toBeGreaterThanOrEqual(1);
    expect(accountsStatements.length, accountsStatements.join('\n')).toBeLessThanOrEqual(2);
    expect(productsStatements.length, productsStatements.join('\n')).toBeLessThanOrEqual(3);
  });

  it('loads the first page of User.products for many suppliers at once, in a constant number of queries', async () => {
    const query = `query ($filter: ProductFilter) {
      products(filter: $filter, first: 100) { nodes { supplier { id products(first: 5) { totalCount nodes { id } pageInfo { hasNextPage } } } } }
    }`;

    test.statements.clear();
    const one = await test.query(query, as(undefined, { filter: { search: tag, supplierId: suppliers[0]!.id } }));
    const statementsForOne = [...statementsOf('products')];
    expect(one.errors).toBeUndefined();

    test.statements.clear();
    const all = await test.query(query, as(undefined, { filter: { search: tag } }));
    const statementsForAll = [...statementsOf('products')];
    expect(all.errors).toBeUndefined();

    // Two for the catalog page, and a fixed number for every supplier's page together.
    expect(statementsForAll.length, statementsForAll.join('\n')).toBeLessThanOrEqual(5);
    expect(statementsForAll.length).toBe(statementsForOne.length);

    const nodes = all.data!['products'].nodes as Array<{
      supplier: { id: string; products: { totalCount: number; nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean } } };
    }>;
    expect(nodes).toHaveLength(100);
    expect(new Set(nodes.map((node) => node.supplier.id))).toEqual(new Set(suppliers.map((supplier) => supplier.id)));
    for (const { supplier } of nodes) {
      const created = createdBySupplier.get(supplier.id)!;
      expect(supplier.products.totalCount).toBe(created.length);
      expect(supplier.products.pageInfo.hasNextPage).toBe(true);
      expect(supplier.products.nodes.map((node) => node.id)).toEqual(
        [...created]
          .sort(newestFirst)
          .slice(0, 5)
          .map((product) => product.id),
      );
    }
    suppliers.forEach((supplier, index) => expect(createdBySupplier.get(supplier.id)).toHaveLength(productsPerSupplier[index]!));
  });
});

describe('deleting products', () => {
  it('removes the product: deleteProduct returns its id and product(id) is null afterwards', async () => {
    const supplier = await supplierWithStore(test, 'Gás Descontinuado');
    const product = await createProduct(supplier, { name: 'Botijão antigo' });
    const kept = await createProduct(supplier, { name: 'Botijão novo' });

    const removed = await test.query(deleteMutation, as(supplier, { id: product.id }));
    expect(removed.status).toBe(200);
    expect(removed.errors).toBeUndefined();
    expect(removed.data!['deleteProduct']).toBe(product.id);

    for (const caller of [undefined, supplier]) expect((await productAs(caller, product.id)).data!.product).toBeNull();
    const listed = await catalog({ filter: { supplierId: supplier.id } });
    expect(listed.data!.products.nodes.map((node) => node.id)).toEqual([kept.id]);
    const mine = await test.query(`{ me { products { totalCount } } }`, { token: supplier.accessToken });
    expect(mine.data!['me'].products.totalCount).toBe(1);

    const again = await test.query(deleteMutation, as(supplier, { id: product.id }));
    expect(again.status).toBe(404);
    expect(firstCode(again)).toBe('NOT_FOUND');
    const update = await test.query(updateMutation, as(supplier, { id: product.id, input: { priceAmount: 1 } }));
    expect(firstCode(update)).toBe('NOT_FOUND');
  });

  it('lets an admin delete any supplier’s product, including an inactive one', async () => {
    const supplier = await supplierWithStore(test, 'Gás Fiscalizado');
    const admin = await createAdmin(test);
    const product = await createProduct(supplier, { active: false });
    const removed = await test.query(deleteMutation, as(admin, { id: product.id }));
    expect(removed.data!['deleteProduct']).toBe(product.id);
    expect((await productAs(admin, product.id)).data!.product).toBeNull();
  });
});

describe('searching like a Brazilian types', () => {
  it('finds a name whatever accents and case the search is typed with, and the other way round', async () => {
    const supplier = await supplierWithStore(test, 'Gás Sem Acento');
    const botijao = await createProduct(supplier, { name: 'Botijão de Gás P13' });
    const agua = await createProduct(supplier, { name: 'Galão de ÁGUA 20 L', cylinderType: 'P20' });
    const plain = await createProduct(supplier, { name: 'Botijao Economico P5', cylinderType: 'P5' });
    const search = async (text: string) =>
      (await catalog({ filter: { supplierId: supplier.id, search: text } })).data!.products.nodes.map((node) => node.id).sort();

    expect({
      botijao: await search('botijao'),
      BOTIJAO: await search('BOTIJAO'),
      botijão: await search('botijão'),
      'gas p13': await search('gas p13'),
      agua: await search('agua'),
      econômico: await search('econômico'),
      'galao de agua': await search('galao de agua'),
    }).toEqual({
      botijao: [botijao.id, plain.id].sort(),
      BOTIJAO: [botijao.id, plain.id].sort(),
      botijão: [botijao.id, plain.id].sort(),
      'gas p13': [botijao.id],
      agua: [agua.id],
      econômico: [plain.id],
      'galao de agua': [agua.id],
    });
    const counted = await catalog({ filter: { supplierId: supplier.id, search: 'BOTIJAO' }, first: 1 });
    expect(counted.data!.products).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
  });

  it('is served by a trigram index on the folded name rather than a scan of the catalog', async () => {
    const products = test.platform.subgraphs.get('products') as StartedSubgraph<PrismaLike>;
    const client = await products.database.pool.connect();
    try {
      await client.query('begin');
      // A test catalog is small enough that the planner would scan it anyway; this asks whether the index can serve.
      await client.query('set local enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `explain select id from products where catalog_search_text(name) like '%' || catalog_search_text($1) || '%'`,
        ['botijao'],
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('products_name_search_idx');
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});

describe('searching with LIKE wildcards', () => {
  it('treats %, _ and \\ in a search as literal characters of the name', async () => {
    const supplier = await supplierWithStore(test, 'Gás Literal');
    // Ends in %, so an unescaped backslash (LIKE '%\\%') would match it.
    const percent = await createProduct(supplier, { name: 'Botijão cheio 100%' });
    const thousand = await createProduct(supplier, { name: 'Botijão 1000 gramas' });
    const underscore = await createProduct(supplier, { name: 'Botijão a_b' });
    const letter = await createProduct(supplier, { name: 'Botijão axb' });
    const search = async (text: string) =>
      (await catalog({ filter: { supplierId: supplier.id, search: text } })).data!.products.nodes.map((node) => node.id).sort();

    expect(await search('Botijão')).toEqual([percent.id, thousand.id, underscore.id, letter.id].sort());
    expect({
      '100%': await search('100%'),
      '%': await search('%'),
      a_b: await search('a_b'),
      _: await search('_'),
      '\\': await search('\\'),
    }).toEqual({
      '100%': [percent.id],
      '%': [percent.id],
      a_b: [underscore.id],
      _: [underscore.id],
      '\\': [],
    });
  });
});

describe('malformed ids', () => {
  it('treats a product id that is not a UUID as an unknown product, not as an internal error', async () => {
    const supplier = await supplierWithStore(test, 'Gás Curioso');
    const lookup = await productAs(undefined, 'not-a-uuid');
    const update = await test.query(updateMutation, as(supplier, { id: 'not-a-uuid', input: { priceAmount: 1 } }));
    const removal = await test.query(deleteMutation, as(supplier, { id: 'not-a-uuid' }));
    expect({
      lookup: { status: lookup.status, errors: lookup.errors, product: lookup.data?.product },
      update: firstCode(update),
      removal: firstCode(removal),
    }).toEqual({
      lookup: { status: 200, errors: undefined, product: null },
      update: 'NOT_FOUND',
      removal: 'NOT_FOUND',
    });
  });

  it('refuses a catalog filtered by a supplierId that is not a UUID with BAD_USER_INPUT, not an internal error', async () => {
    const result = await catalog({ filter: { supplierId: 'nobody' } });
    expect([result.status, firstCode(result)]).toEqual([400, 'BAD_USER_INPUT']);
    expect(badFields(result)).toEqual(['filter.supplierId']);
  });

  it('refuses an admin creating a product for a supplierId that is not a UUID with BAD_USER_INPUT, not an internal error', async () => {
    const admin = await createAdmin(test);
    const result = await test.query(
      createMutation,
      as(admin, {
        input: { name: 'Botijão P13', cylinderType: 'P13', priceAmount: 11_000, stockQuantity: 1, supplierId: 'nobody' },
      }),
    );
    expect([result.status, firstCode(result)]).toEqual([400, 'BAD_USER_INPUT']);
    expect(badFields(result)).toEqual(['input.supplierId']);
  });
});
