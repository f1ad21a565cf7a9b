import type pg from 'pg';
import type { Registry } from 'prom-client';
import { ObservedGauge } from './observed-gauge.js';
import type { ServiceMetrics } from './service-metrics.js';

function poolMetrics(registry: Registry) {
  return {
    connections: new ObservedGauge(registry, {
      name: 'gasrapido_db_pool_connections',
      help: 'Database pool connections by state: open (idle or in use), idle, and max (the pool’s limit).',
      labelNames: ['pool', 'state'],
    }),
    waiting: new ObservedGauge(registry, {
      name: 'gasrapido_db_pool_waiting_requests',
      help: 'Queries waiting for a free connection of the database pool.',
      labelNames: ['pool'],
    }),
  };
}

/** Reports a pg pool's usage at every scrape; returns the function that stops it (call before closing the pool). */
export function observePool(metrics: ServiceMetrics, pool: pg.Pool, name = 'main'): () => void {
  const instruments = metrics.group(poolMetrics);
  const max = pool.options.max ?? 10;
  const stopConnections = instruments.connections.observe(() => [
    { labels: { pool: name, state: 'open' }, value: pool.totalCount },
    { labels: { pool: name, state: 'idle' }, value: pool.idleCount },
    { labels: { pool: name, state: 'max' }, value: max },
  ]);
  const stopWaiting = instruments.waiting.observe(() => [{ labels: { pool: name }, value: pool.waitingCount }]);
  return () => {
    stopConnections();
    stopWaiting();
  };
}
