import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceMetrics, type ServiceMetrics } from '#kit';
import { createSubgraphTransport } from '../src/resilience/index.js';
import {
  measureSubgraphTransport,
  observeCircuitStates,
  observeSubscriptions,
  recordCircuitTransition,
  type CircuitStateName,
} from '../src/observability/index.js';

/** The series of one metric in the exposition, without the service label, as `name{labels} value` lines. */
async function seriesOf(metrics: ServiceMetrics, name: string): Promise<string[]> {
  const body = await metrics.render();
  return body
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) =>
      line
        .replace(/service="[^"]*",?/, '')
        .replace(',}', '}')
        .replace('{}', ''),
    );
}

describe('subgraph fetch metrics', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/hang') return; // never answers
      response.statusCode = request.url === '/broken' ? 503 : 200;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('time every request to a subgraph and count failures by kind', async () => {
    const metrics = createServiceMetrics({ service: 'gateway', processMetrics: false });
    const transport = createSubgraphTransport(200, 1_000);
    const accounts = measureSubgraphTransport(transport, metrics, 'accounts');
    const products = measureSubgraphTransport(transport, metrics, 'products');
    const post = (target: typeof accounts, url: string) => target.post(new URL(url), {}, '{}');
    expect((await post(accounts, `${base}/ok`)).status).toBe(200);
    expect((await post(accounts, `${base}/broken`)).status).toBe(503);
    await expect(post(products, `${base}/hang`)).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(post(products, 'http://127.0.0.1:1/')).rejects.toThrow();
    await transport.close();

    expect(await seriesOf(metrics, 'gasrapido_subgraph_fetch_duration_seconds_count')).toEqual([
      'gasrapido_subgraph_fetch_duration_seconds_count{subgraph="accounts"} 2',
      'gasrapido_subgraph_fetch_duration_seconds_count{subgraph="products"} 2',
    ]);
    expect(await seriesOf(metrics, 'gasrapido_subgraph_fetch_errors_total')).toEqual([
      'gasrapido_subgraph_fetch_errors_total{subgraph="accounts",kind="http_5xx"} 1',
      'gasrapido_subgraph_fetch_errors_total{subgraph="products",kind="timeout"} 1',
      'gasrapido_subgraph_fetch_errors_total{subgraph="products",kind="network"} 1',
    ]);
  });
});

describe('gateway gauges', () => {
  it('report each subgraph’s circuit as 0 closed, 1 half-open, 2 open, as read at scrape time', async () => {
    const metrics = createServiceMetrics({ service: 'gateway', processMetrics: false });
    const states: Record<string, CircuitStateName> = { accounts: 'closed', products: 'open' };
    observeCircuitStates(metrics, () => states);
    expect(await seriesOf(metrics, 'gasrapido_circuit_state')).toEqual([
      'gasrapido_circuit_state{subgraph="accounts"} 0',
      'gasrapido_circuit_state{subgraph="products"} 2',
    ]);
    states['products'] = 'half-open';
    recordCircuitTransition(metrics, 'products', 'half-open');
    expect(await seriesOf(metrics, 'gasrapido_circuit_state')).toContain('gasrapido_circuit_state{subgraph="products"} 1');
    expect(await seriesOf(metrics, 'gasrapido_circuit_transitions_total')).toEqual([
      'gasrapido_circuit_transitions_total{subgraph="products",to="half-open"} 1',
    ]);
  });

  it('report open subscriptions and WebSocket connections from the gateway’s counts', async () => {
    const metrics = createServiceMetrics({ service: 'gateway', processMetrics: false });
    let subscriptions = 3;
    const stop = observeSubscriptions(metrics, { openConnections: () => 2, openSubscriptions: () => subscriptions });
    expect(await seriesOf(metrics, 'gasrapido_subscriptions_open')).toEqual(['gasrapido_subscriptions_open 3']);
    expect(await seriesOf(metrics, 'gasrapido_websocket_connections_open')).toEqual(['gasrapido_websocket_connections_open 2']);
    subscriptions = 0;
    expect(await seriesOf(metrics, 'gasrapido_subscriptions_open')).toEqual(['gasrapido_subscriptions_open 0']);
    // Stopped, the gauge has no source left and reads 0, like a gateway without subscriptions.
    stop();
    subscriptions = 5;
    expect(await seriesOf(metrics, 'gasrapido_subscriptions_open')).toEqual(['gasrapido_subscriptions_open 0']);
  });
});
