import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ServiceAttributeProcessor, ServiceResourceExporter } from './service-spans.js';
import type { TracingSettings } from './tracing-settings.js';
import { propagateThroughUndici } from './undici-propagation.js';

export interface TracingOptions extends TracingSettings {
  /** Sends spans here instead of OTLP to exportUrl (tests: an in-memory exporter). */
  exporter?: SpanExporter;
  /** Longest wait before a batch of finished spans is exported. Default 1000 ms. */
  exportDelayMs?: number;
}

export interface Tracing {
  /** False when nothing is exported: the OpenTelemetry API stays a no-op. */
  readonly enabled: boolean;
  /** Exports every finished span now. */
  flush(): Promise<void>;
  /** Flushes, then unregisters everything, so tracing can be started again in this process. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/**
 * Starts OpenTelemetry tracing for this process: a global tracer provider,
 * the W3C trace-context propagator, async context tracking, and propagation
 * on outgoing undici/fetch requests. Call it once at the process's entry
 * point, before the services start. Without an export URL (or exporter) it
 * registers nothing: the API stays a no-op and instrumented code pays only
 * for a few no-op calls.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (active !== undefined) throw new Error('tracing is already started in this process');
  const exporter = options.exporter ?? (options.exportUrl === undefined ? undefined : new OTLPTraceExporter({ url: options.exportUrl }));
  if (exporter === undefined) return { enabled: false, flush: async () => {}, shutdown: async () => {} };

  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [
      new ServiceAttributeProcessor(),
      new BatchSpanProcessor({ exporter: new ServiceResourceExporter(exporter), scheduledDelayMillis: options.exportDelayMs ?? 1_000 }),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const stopPropagation = propagateThroughUndici();

  let stopping: Promise<void> | undefined;
  const tracing: Tracing = {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () =>
      (stopping ??= (async () => {
        stopPropagation();
        await provider.shutdown();
        trace.disable();
        propagation.disable();
        context.disable();
        active = undefined;
      })()),
  };
  active = tracing;
  return tracing;
}
