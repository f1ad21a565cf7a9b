import { z } from 'zod';
import { env, type Environment } from '../config.js';
import { defineSettings, setting } from '../settings.js';

/**
 * The standard OpenTelemetry variables a GasRápido process reads (the subset
 * it supports). Nothing is exported unless an endpoint is set.
 */
export const tracingSettings = defineSettings({
  endpoint: setting(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    z.url().optional(),
    'Base URL of an OTLP/HTTP receiver (Jaeger, an OpenTelemetry Collector): traces go to `<url>/v1/traces`. Unset: no tracing.',
  ),
  tracesEndpoint: setting(
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    z.url().optional(),
    'Full URL for traces; wins over OTEL_EXPORTER_OTLP_ENDPOINT.',
  ),
  serviceName: setting(
    'OTEL_SERVICE_NAME',
    z.string().min(1).optional(),
    "The resource's service.name; defaults to the process's service (or `gasrapido-platform` for all in one).",
    { documentedDefault: "the process's service" },
  ),
  sampleRatio: setting(
    'OTEL_TRACES_SAMPLER_ARG',
    z.coerce.number().min(0).max(1).default(1),
    'Share of new traces sampled, 0 to 1; a request that arrives sampled (traceparent) is always followed.',
  ),
  disabled: setting('OTEL_SDK_DISABLED', env.flag(false), 'Turns tracing off even when an endpoint is set.'),
});

export interface TracingSettings {
  /** Where spans are sent (OTLP/HTTP, JSON); undefined: tracing is off and costs next to nothing. */
  exportUrl: string | undefined;
  serviceName: string;
  sampleRatio: number;
}

export function parseTracingSettings(environment: Environment, defaultServiceName: string): TracingSettings {
  const parsed = tracingSettings.parse(environment);
  const base = parsed.endpoint;
  const exportUrl = parsed.tracesEndpoint ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  return {
    exportUrl: parsed.disabled ? undefined : exportUrl,
    serviceName: parsed.serviceName ?? defaultServiceName,
    sampleRatio: parsed.sampleRatio,
  };
}
