import { collectDefaultMetrics, Registry } from 'prom-client';

/** Builds one group of instruments (counters, histograms, gauges) in a registry. */
export type MetricGroupFactory<Group> = (registry: Registry) => Group;

export interface ServiceMetricsOptions {
  /** Put in the `service` label of every series, so one Prometheus job can scrape all services. */
  service: string;
  /** Node.js process metrics (CPU, memory, event loop, GC, handles); on by default. */
  processMetrics?: boolean;
}

/**
 * One service instance's metrics: its own Prometheus registry, never
 * prom-client's global one, because tests run several services in one process
 * and each must report only its own series.
 */
export interface ServiceMetrics {
  readonly service: string;
  readonly registry: Registry;
  /**
   * The group the factory builds, created in this registry on first use and
   * shared afterwards: a metric name can be registered only once per registry,
   * and several components (two consumers, say) record into the same series.
   */
  group<Group>(factory: MetricGroupFactory<Group>): Group;
  /** The Prometheus text exposition of every series, for `GET /metrics`. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createServiceMetrics({ service, processMetrics = true }: ServiceMetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const groups = new Map<MetricGroupFactory<unknown>, unknown>();
  return {
    service,
    registry,
    group<Group>(factory: MetricGroupFactory<Group>): Group {
      if (!groups.has(factory)) groups.set(factory, factory(registry));
      return groups.get(factory) as Group;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
