import type { Registry } from 'prom-client';
import { ObservedGauge, type ServiceMetrics } from '#kit';

function subscriptionMetrics(registry: Registry) {
  return {
    subscriptions: new ObservedGauge(registry, {
      name: 'gasrapido_subscriptions_open',
      help: 'GraphQL subscriptions open on this gateway instance.',
      labelNames: [],
    }),
    connections: new ObservedGauge(registry, {
      name: 'gasrapido_websocket_connections_open',
      help: 'GraphQL-over-WebSocket connections open on this gateway instance.',
      labelNames: [],
    }),
  };
}

/** What the gauges read: the gateway's `subscriptions` statistics. */
export interface SubscriptionCounts {
  openConnections(): number;
  openSubscriptions(): number;
}

/** Reports open subscriptions and WebSocket connections at every scrape. Returns the function that stops it. */
export function observeSubscriptions(metrics: ServiceMetrics, counts: SubscriptionCounts): () => void {
  const instruments = metrics.group(subscriptionMetrics);
  const stopSubscriptions = instruments.subscriptions.observe(() => [{ labels: {}, value: counts.openSubscriptions() }]);
  const stopConnections = instruments.connections.observe(() => [{ labels: {}, value: counts.openConnections() }]);
  return () => {
    stopSubscriptions();
    stopConnections();
  };
}
