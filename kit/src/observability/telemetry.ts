import { createServiceMetrics, type ServiceMetrics } from './service-metrics.js';

/** Name of the tracer every kit span comes from; the service is an attribute (SERVICE_ATTRIBUTE). */
export const TRACER_NAME = 'gasrapido-kit';

/**
 * What one service instance records its signals into: its metrics registry,
 * and its name, which its spans carry. Components (HTTP server, outbox relay,
 * consumers) take it as an option and record nothing without it.
 */
export interface ServiceTelemetry {
  readonly service: string;
  readonly metrics: ServiceMetrics;
}

export function createServiceTelemetry(service: string, options: { processMetrics?: boolean } = {}): ServiceTelemetry {
  return { service, metrics: createServiceMetrics({ service, ...options }) };
}
