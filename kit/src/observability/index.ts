// The kit's observability, exported on purpose: metrics registries per service, the
// per-operation plugin, tracing start-up and trace-context helpers. docs/observability.md
// lists every metric and span.
export { createServiceMetrics } from './service-metrics.js';
export type { ServiceMetrics, ServiceMetricsOptions, MetricGroupFactory } from './service-metrics.js';
export { ObservedGauge } from './observed-gauge.js';
export type { GaugeSample, GaugeSource } from './observed-gauge.js';
export { createServiceTelemetry } from './telemetry.js';
export type { ServiceTelemetry } from './telemetry.js';
export { operationObservabilityPlugin } from './operation-plugin.js';
export type { OperationObservabilityOptions } from './operation-plugin.js';
export { operationNameLabels, ANONYMOUS_OPERATION, OTHER_OPERATION, UNRESOLVED_OPERATION } from './operation-names.js';
export { observePool } from './pool-metrics.js';
export { startTracing } from './tracing.js';
export type { Tracing, TracingOptions } from './tracing.js';
export { parseTracingSettings, tracingSettings } from './tracing-settings.js';
export type { TracingSettings } from './tracing-settings.js';
export { currentTraceContext, contextFromCarrier, injectTraceContext, SERVICE_ATTRIBUTE } from './trace-context.js';
export type { TraceContext } from './trace-context.js';
export { CORRELATION_ATTRIBUTE } from './request-span.js';
