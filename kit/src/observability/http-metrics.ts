import { Gauge, Histogram, type Registry } from 'prom-client';
import { latencyBuckets } from './operation-metrics.js';

/** HTTP-level instruments of the kit's service server (every service). */
export function httpMetrics(registry: Registry) {
  return {
    duration: new Histogram({
      name: 'gasrapido_http_request_duration_seconds',
      help: 'HTTP requests served, by method, route (unknown paths share `unmatched`) and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'gasrapido_http_requests_in_flight',
      help: 'HTTP requests being served right now.',
      registers: [registry],
    }),
  };
}

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The method as a label: any method outside the usual few is `OTHER`. */
export function methodLabel(method: string | undefined): string {
  return method !== undefined && knownMethods.has(method) ? method : 'OTHER';
}
