// The four bench subgraphs, each on its own port of one plain node:http process.
//
//   npx tsx bench/gateways/bench-subgraphs.ts <ports.json>
//
// A subgraph executes a request body it has not seen with graphql-js (the real
// federation resolvers over fixed data) and keeps the serialised answer by body:
// the data never changes, and every gateway sends the same few bodies over and
// over, so after the first request each answer is a map lookup. The gateway stays
// the bottleneck. The accounts server also serves the JWKS of the bench's token key.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { execute, parse, validate, type GraphQLSchema } from 'graphql';
import { subgraphNames, subgraphSchema, type BenchSubgraphName } from './bench-supergraph.js';
import { benchJwks } from './bench-tokens.js';

const rememberedAnswers = 10_000;

interface Counters {
  requests: number;
  executed: number;
}

function subgraphServer(name: BenchSubgraphName, schema: GraphQLSchema, counters: Counters): Server {
  const answers = new Map<string, Buffer>();
  const jwks = name === 'accounts' ? Buffer.from(JSON.stringify(benchJwks())) : undefined;
  return createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json' && jwks !== undefined) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': jwks.length });
      response.end(jwks);
      return;
    }
    if (request.method === 'GET' && request.url === '/bodies') {
      // The distinct request bodies seen, so each subgraph can be measured alone.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ counters, bodies: [...answers.keys()] }));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      counters.requests += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      const known = answers.get(body);
      const send = (answer: Buffer) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
        response.end(answer);
      };
      if (known !== undefined) {
        send(known);
        return;
      }
      void run(schema, body).then((result) => {
        const answer = Buffer.from(JSON.stringify(result));
        counters.executed += 1;
        if (answers.size < rememberedAnswers) answers.set(body, answer);
        send(answer);
      });
    });
  });
}

async function run(schema: GraphQLSchema, body: string): Promise<unknown> {
  let request: { query?: string; variables?: Record<string, unknown>; operationName?: string };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return { errors: [{ message: 'body is not JSON' }] };
  }
  try {
    const document = parse(request.query ?? '');
    const errors = validate(schema, document);
    if (errors.length > 0) return { errors: errors.map((error) => ({ message: error.message })) };
    return await execute({ schema, document, variableValues: request.variables ?? {}, operationName: request.operationName ?? null });
  } catch (error) {
    return { errors: [{ message: (error as Error).message }] };
  }
}

export async function startBenchSubgraphs(ports: Partial<Record<BenchSubgraphName, number>> = {}) {
  const servers = new Map<BenchSubgraphName, Server>();
  const urls = {} as Record<BenchSubgraphName, string>;
  for (const name of subgraphNames) {
    const server = subgraphServer(name, subgraphSchema(name), { requests: 0, executed: 0 });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(ports[name] ?? 0, '127.0.0.1', resolve));
    servers.set(name, server);
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  return {
    urls,
    async stop() {
      await Promise.all(
        [...servers.values()].map(
          (server) =>
            new Promise((resolve) => {
              server.closeAllConnections();
              server.close(resolve);
            }),
        ),
      );
    },
  };
}

if (process.argv[1]?.endsWith('bench-subgraphs.ts')) {
  const subgraphs = await startBenchSubgraphs();
  // The orchestrator waits for this file.
  writeFileSync(process.argv[2]!, JSON.stringify(subgraphs.urls));
  process.on('SIGTERM', () => void subgraphs.stop().then(() => process.exit(0)));
}
