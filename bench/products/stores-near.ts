// "Who delivers to me" at the scale of a national marketplace: storesNear over 10,000 stores and
// 200,000 products spread over Brazil's 27 state capitals, at the products subgraph and through
// the gateway, with 1 and 50 concurrent callers, and the SQL statements one call sends (the same
// with 1,000 stores as with 10,000: the stores come from the GiST coverage index, their products
// in one more statement).
//
//   npm run bench:stores-near [-- requestsPerCaller=20]
//
// Runs its own embedded PostgreSQL and the whole supergraph in this process, on the in-memory
// event bus (no event path is measured). Stores and products are written straight into the
// products database with INSERT … SELECT. Each call asks from a random point near a capital, as a
// signed-in customer (so no call is served from the gateway's shared response cache), for P13 troca.
import { postGraphQL } from '../../test/support/graphql-client.js';
import { percentile, startBenchPlatform } from '../support/bench-platform.js';

const requestsPerCaller = Number(process.argv[2] ?? 20);
const GATEWAY_SECRET = 'bench-gateway-secret-0123456789-abcdef';

/** The 27 capitals (state, latitude, longitude). */
const capitals: ReadonlyArray<[string, number, number]> = [
  ['SP', -23.5505, -46.6333],
  ['RJ', -22.9068, -43.1729],
  ['MG', -19.9167, -43.9345],
  ['BA', -12.9777, -38.5016],
  ['PR', -25.4284, -49.2733],
  ['RS', -30.0346, -51.2177],
  ['PE', -8.0476, -34.877],
  ['CE', -3.7319, -38.5267],
  ['PA', -1.4558, -48.4902],
  ['SC', -27.5954, -48.548],
  ['GO', -16.6869, -49.2648],
  ['MA', -2.5307, -44.3068],
  ['AM', -3.119, -60.0217],
  ['ES', -20.3155, -40.3128],
  ['PB', -7.1195, -34.845],
  ['RN', -5.7945, -35.211],
  ['AL', -9.6498, -35.7089],
  ['PI', -5.0892, -42.8019],
  ['MT', -15.601, -56.0974],
  ['DF', -15.7939, -47.8828],
  ['MS', -20.4697, -54.6201],
  ['SE', -10.9472, -37.0731],
  ['RO', -8.7612, -63.9004],
  ['TO', -10.1753, -48.2982],
  ['AC', -9.9754, -67.8249],
  ['AP', 0.0349, -51.0694],
  ['RR', 2.8235, -60.6758],
];

const statementsBySubgraph = new Map<string, number>();
const bench = await startBenchPlatform(
  { GATEWAY_SHARED_SECRET: GATEWAY_SECRET, LOG_LEVEL: 'error' },
  {
    withoutKafka: true,
    onStatement: (subgraph, _sql, backgroundWork) => {
      if (backgroundWork === undefined) statementsBySubgraph.set(subgraph, (statementsBySubgraph.get(subgraph) ?? 0) + 1);
    },
  },
);
const products = bench.platform.subgraphs.get('products')!;
const subgraphUrl = `${products.url}/graphql`;

/**
 * Stores `from` … `to - 1`, each near a capital (up to ~15 km from its centre) delivering 3–10 km
 * around, open around the clock, authorised; 20 products each: P13, P45 and P5, troca, completo and
 * vasilhame, of a few brands.
 */
async function seed(from: number, to: number): Promise<void> {
  const capitalRows = capitals.map(([state, latitude, longitude], index) => `(${index}, '${state}', ${latitude}, ${longitude})`).join(', ');
  await products.database.pool.query(`
    with capitals(n, state, latitude, longitude) as (values ${capitalRows}),
    numbered as (select g, md5('store' || g)::uuid as id, md5('supplier' || g)::uuid as supplier_id from generate_series(${from}, ${to - 1}) as g)
    insert into stores (id, supplier_id, name, street, number, district, city, state, postal_code, latitude, longitude,
      delivery_radius_m, opening_hours, reseller_type, brand, minimum_order_cents, fee_base_cents, fee_per_km_cents,
      fee_free_above_cents, preparation_minutes, auto_accept, active, updated_at)
    select s.id, s.supplier_id, 'Revenda ' || s.g, 'Rua ' || s.g, '1', 'Centro', 'Capital', c.state, '01000000',
      c.latitude + (random() - 0.5) * 0.27, c.longitude + (random() - 0.5) * 0.27,
      3000 + (random() * 7000)::int, (select jsonb_agg(jsonb_build_object('weekday', d, 'opens', '00:00', 'closes', '24:00')) from generate_series(1, 7) d),
      case when s.g % 3 = 0 then 'BRANDED'::"ResellerType" else 'INDEPENDENT'::"ResellerType" end,
      case when s.g % 3 = 0 then 'Ultragaz' end, 0, 500, 100, 50000, 10 + (random() * 30)::int, s.g % 2 = 0, true, now()
    from numbered s join capitals c on c.n = s.g % 27`);
  await products.database.pool.query(`
    insert into supplier_licences (supplier_id, authorization_number, valid_until)
    select md5('supplier' || g)::uuid, 'ANP-' || g, date '2099-12-31' from generate_series(${from}, ${to - 1}) as g`);
  await products.database.pool.query(`
    insert into products (id, supplier_id, store_id, name, cylinder_type, size_grams, price_cents, currency, stock_quantity,
      active, brand, sale_type, updated_at)
    select gen_random_uuid(), s.supplier_id, s.id, 'Botijão ' || p, (array['P13','P13','P13','P45','P5'])[1 + p % 5]::"CylinderType", 13000,
      case p % 3 when 0 then 10500 when 1 then 29000 else 18000 end + (random() * 1500)::int, 'BRL', (random() * 40)::int,
      true, coalesce(s.brand, (array['Liquigás','Supergasbras','Nacional Gás','Copagaz'])[1 + p % 4]),
      (array['REFILL_EXCHANGE','FULL_WITH_CYLINDER','EMPTY_CYLINDER'])[1 + p % 3]::"SaleType", now()
    from generate_series(${from}, ${to - 1}) as g join stores s on s.id = md5('store' || g)::uuid cross join generate_series(1, 20) as p`);
  await products.database.pool.query('analyze stores; analyze products; analyze supplier_licences');
}

const query = `query ($near: StoresNearInput!) {
  storesNear(near: $near, cylinderType: P13, saleType: REFILL_EXCHANGE, quantity: 1, sort: TOTAL_PRICE, first: 10) {
    store { id name } distanceMeters openNow estimatedMinutes products { id price { amount } } deliveryFee { amount } total { amount }
  }
}`;

function randomPoint(): { latitude: number; longitude: number } {
  const [, latitude, longitude] = capitals[Math.floor(Math.random() * capitals.length)]!;
  return { latitude: latitude + (Math.random() - 0.5) * 0.2, longitude: longitude + (Math.random() - 0.5) * 0.2 };
}

const customer = await bench.userToken('CUSTOMER');
let listed = 0;
let calls = 0;

async function call(url: string, headers: Record<string, string>): Promise<void> {
  const result = await postGraphQL<{ storesNear: unknown[] }>(url, query, { token: customer, headers, variables: { near: randomPoint() } });
  if (result.errors !== undefined || !result.data) throw new Error(JSON.stringify(result.errors));
  listed += result.data.storesNear.length;
  calls += 1;
}

/** `callers` loops of `requests` calls each, all at once; the latency of every call. */
async function measure(url: string, headers: Record<string, string>, callers: number, requests: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let index = 0; index < requests; index += 1) {
        const started = performance.now();
        await call(url, headers);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

const subgraph = { url: subgraphUrl, headers: { 'x-gateway-credential': GATEWAY_SECRET } };
const gateway = { url: bench.graphqlUrl, headers: {} };

async function statementsPerCall(samples: number): Promise<{ perCall: number; storesListed: number }> {
  statementsBySubgraph.clear();
  listed = 0;
  calls = 0;
  for (let index = 0; index < samples; index += 1) await call(subgraph.url, subgraph.headers);
  return { perCall: (statementsBySubgraph.get('products') ?? 0) / calls, storesListed: listed / calls };
}

try {
  const rows: string[] = [];
  const row = (where: string, callers: number, values: number[]) =>
    rows.push(
      `| ${where} | ${callers} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 99).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`,
    );

  let seededAt = performance.now();
  await seed(0, 1_000);
  process.stdout.write(`seeded 1,000 stores, 20,000 products in ${((performance.now() - seededAt) / 1000).toFixed(1)} s\n`);
  await measure(subgraph.url, subgraph.headers, 1, 20);
  const small = await statementsPerCall(50);

  seededAt = performance.now();
  await seed(1_000, 10_000);
  process.stdout.write(`seeded 9,000 more stores, 180,000 more products in ${((performance.now() - seededAt) / 1000).toFixed(1)} s\n`);
  await measure(subgraph.url, subgraph.headers, 1, 20);
  await measure(gateway.url, gateway.headers, 1, 20);
  const large = await statementsPerCall(50);

  row('products subgraph', 1, await measure(subgraph.url, subgraph.headers, 1, requestsPerCaller * 10));
  row('products subgraph', 50, await measure(subgraph.url, subgraph.headers, 50, requestsPerCaller));
  row('gateway', 1, await measure(gateway.url, gateway.headers, 1, requestsPerCaller * 10));
  row('gateway', 50, await measure(gateway.url, gateway.headers, 50, requestsPerCaller));

  process.stdout.write(`\nstoresNear, P13 troca, first 10, 10,000 stores / 200,000 products over 27 capitals (ms)\n\n`);
  process.stdout.write('| at | concurrent callers | calls | p50 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n');
  process.stdout.write(`${rows.join('\n')}\n\n`);
  process.stdout.write('| stores | SQL statements per call (products) | stores listed per call |\n| --- | --- | --- |\n');
  process.stdout.write(`| 1,000 | ${small.perCall.toFixed(2)} | ${small.storesListed.toFixed(1)} |\n`);
  process.stdout.write(`| 10,000 | ${large.perCall.toFixed(2)} | ${large.storesListed.toFixed(1)} |\n`);
} finally {
  await bench.stop();
}
