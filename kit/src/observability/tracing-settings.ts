import { z } from 'zod';
import { env, parseEnvironment, type Environment } from '../config.js';

/**
 * The standard OpenTelemetry variables a GasRápido process reads (the subset
 * it supports). Nothing is exported unless an endpoint is set.
 */
export const tracingEnvironmentShape = {
  /** Base URL of an OTLP/HTTP receiver (Jaeger, an OpenTelemetry Collector): traces go to `<url>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Full URL for traces; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** The resource's service.name; defaults to the process's service (or `gasrapido-platform` for all in one). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Share of new traces sampled, 0 to 1; a request that arrives sampled (traceparent) is always followed. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Turns tracing off even when an endpoint is set. */
  OTEL_SDK_DISABLED: env.flag(false),
};

export interface TracingSettings {
  /** Where spans are sent (OTLP/HTTP, JSON); undefined: tracing is off and costs next to nothing. */
  exportUrl: string | undefined;
  serviceName: string;
  sampleRatio: number;
}

export function parseTracingSettings(environment: Environment, defaultServiceName: string): TracingSettings {
  const parsed = parseEnvironment(tracingEnvironmentShape, environment);
  const base = parsed.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exportUrl = parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  return {
    exportUrl: parsed.OTEL_SDK_DISABLED ? undefined : exportUrl,
    serviceName: parsed.OTEL_SERVICE_NAME ?? defaultServiceName,
    sampleRatio: parsed.OTEL_TRACES_SAMPLER_ARG,
  };
}
