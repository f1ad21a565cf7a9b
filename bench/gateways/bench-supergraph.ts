// The gateway benchmark's supergraph: four subgraphs in the shape of the public
// federation gateway benchmark (accounts, inventory, products, reviews), with our
// own schema, data and query. Written for this project; nothing here is copied.
//
// The data is fixed, so the one query has one right answer. That answer is
// computed here without any gateway (a plain, non-federated schema over the same
// data), and every response of every gateway is checked against it.
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildSchema, execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';

export const subgraphNames = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type BenchSubgraphName = (typeof subgraphNames)[number];

const federation =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides", "@shareable"])';

export const subgraphSdl: Record<BenchSubgraphName, string> = {
  accounts: `${federation}
    type Query { me: User  user(id: ID!): User  users: [User] }
    type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthYear: Int }`,
  inventory: `${federation}
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }`,
  products: `${federation}
    type Query { topProducts(first: Int = 5): [Product] }
    type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`,
  reviews: `${federation}
    type Review @key(fields: "id") { id: ID!  body: String  rating: Int  author: User @provides(fields: "username")  product: Product }
    type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
    type Product @key(fields: "upc") { upc: String!  reviews: [Review] }`,
};

/** The same types as one plain schema: how the expected answer is computed, with no federation involved. */
const monolithSdl = `
  type Query { me: User  user(id: ID!): User  users: [User]  topProducts(first: Int = 5): [Product] }
  type User { id: ID!  name: String  username: String  birthYear: Int  reviews: [Review] }
  type Product { upc: String!  name: String  price: Int  weight: Int  inStock: Boolean  shippingEstimate: Int  reviews: [Review] }
  type Review { id: ID!  body: String  rating: Int  author: User  product: Product }`;

interface UserRow {
  id: string;
  name: string;
  username: string;
  birthYear: number;
}
interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
  inStock: boolean;
}
interface ReviewRow {
  id: string;
  body: string;
  rating: number;
  authorId: string;
  upc: string;
}

const words = [
  'botijão',
  'entrega',
  'rápida',
  'gás',
  'cozinha',
  'vizinho',
  'preço',
  'ótimo',
  'chegou',
  'cedo',
  'lacre',
  'intacto',
  'recomendo',
  'atendimento',
  'bom',
  'sempre',
];
const sentence = (seed: number, length: number) =>
  Array.from({ length }, (_, index) => words[(seed * 7 + index * 3) % words.length]).join(' ');

export const users: UserRow[] = Array.from({ length: 10 }, (_, index) => ({
  id: `user-${index + 1}`,
  name: `Cliente Número ${index + 1}`,
  username: `cliente${index + 1}`,
  birthYear: 1960 + index * 3,
}));
export const products: ProductRow[] = Array.from({ length: 9 }, (_, index) => ({
  upc: `upc-${index + 1}`,
  name: `Botijão P${[2, 5, 8, 13, 20, 45, 13, 8, 5][index]} modelo ${index + 1}`,
  price: 8_000 + index * 1_250,
  weight: 2 + index * 5,
  inStock: index % 3 !== 0,
}));
export const reviews: ReviewRow[] = Array.from({ length: 30 }, (_, index) => ({
  id: `review-${index + 1}`,
  body: sentence(index, 4),
  rating: 1 + (index % 5),
  authorId: users[index % users.length]!.id,
  upc: products[(index * 7) % products.length]!.upc,
}));

const userById = new Map(users.map((user) => [user.id, user]));
const productByUpc = new Map(products.map((product) => [product.upc, product]));
const reviewById = new Map(reviews.map((review) => [review.id, review]));
const reviewsOfUser = (id: string) => reviews.filter((review) => review.authorId === id);
const reviewsOfProduct = (upc: string) => reviews.filter((review) => review.upc === upc);
const shippingEstimate = (price: number, weight: number) => (price > 10_000 ? 0 : Math.round(weight / 2));

/** The benchmark's one operation: deeply nested, crossing every subgraph several times. */
export const benchQuery = `query BenchDeepCatalog {
  users {
    ...UserCard
    reviews {
      ...ReviewCard
      product {
        ...ProductCard
        reviews { ...ReviewCard author { ...UserCard reviews { ...ReviewCard product { ...ProductCard } } } }
      }
    }
  }
  topProducts(first: 5) {
    ...ProductCard
    reviews { ...ReviewCard author { ...UserCard reviews { ...ReviewCard product { ...ProductCard } } } }
  }
}
fragment UserCard on User { id username name }
fragment ReviewCard on Review { id body rating }
fragment ProductCard on Product { upc name price weight inStock shippingEstimate }`;

/** The right answer, as `{"data":…}` JSON, computed without federation. */
export function expectedResponse(): { data: unknown; json: string } {
  const schema = buildSchema(monolithSdl);
  const rootValue = {
    users: () => users.map(userObject),
    topProducts: ({ first }: { first: number }) => products.slice(0, first).map(productObject),
  };
  function userObject(user: UserRow): object {
    return { ...user, reviews: () => reviewsOfUser(user.id).map(reviewObject) };
  }
  function productObject(product: ProductRow): object {
    return {
      ...product,
      shippingEstimate: shippingEstimate(product.price, product.weight),
      reviews: () => reviewsOfProduct(product.upc).map(reviewObject),
    };
  }
  function reviewObject(review: ReviewRow): object {
    return {
      ...review,
      author: () => userObject(userById.get(review.authorId)!),
      product: () => productObject(productByUpc.get(review.upc)!),
    };
  }
  const result = execute({ schema, document: parse(benchQuery), rootValue }) as { data?: unknown; errors?: unknown };
  if (result.errors !== undefined) throw new Error(`expected answer failed: ${JSON.stringify(result.errors)}`);
  return { data: result.data, json: JSON.stringify({ data: result.data }) };
}

type Representation = Record<string, unknown> & { __typename: string };

const resolvers: Record<BenchSubgraphName, Record<string, Record<string, unknown>>> = {
  accounts: {
    Query: { me: () => users[0], user: (_: unknown, { id }: { id: string }) => userById.get(id), users: () => users },
    User: { __resolveReference: (reference: Representation) => userById.get(reference['id'] as string) },
  },
  inventory: {
    Product: {
      __resolveReference: (reference: Representation) => ({ ...reference, inStock: productByUpc.get(reference['upc'] as string)?.inStock }),
      shippingEstimate: (product: { price: number; weight: number }) => shippingEstimate(product.price, product.weight),
    },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
    Product: { __resolveReference: (reference: Representation) => productByUpc.get(reference['upc'] as string) },
  },
  reviews: {
    Review: {
      __resolveReference: (reference: Representation) => reviewById.get(reference['id'] as string),
      author: (review: ReviewRow) => ({ __typename: 'User', id: review.authorId, username: userById.get(review.authorId)!.username }),
      product: (review: ReviewRow) => ({ __typename: 'Product', upc: review.upc }),
    },
    User: { reviews: (user: { id: string }) => reviewsOfUser(user.id) },
    Product: { reviews: (product: { upc: string }) => reviewsOfProduct(product.upc) },
  },
};

export function subgraphSchema(name: BenchSubgraphName): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(subgraphSdl[name]) as DocumentNode, resolvers: resolvers[name] as never }]);
}

/** The supergraph SDL for subgraphs served at the given URLs. */
export function composeBenchSupergraph(urls: Record<BenchSubgraphName, string>): string {
  const composed = composeServices(subgraphNames.map((name) => ({ name, url: urls[name], typeDefs: parse(subgraphSdl[name]) })));
  if (composed.errors !== undefined) throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
  return composed.supergraphSdl;
}
