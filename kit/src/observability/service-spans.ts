import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ExportResult } from '@opentelemetry/core';
import { SERVICE_ATTRIBUTE, serviceOf } from './trace-context.js';

/**
 * Stamps every span started inside a service's context (withService) with the
 * `gasrapido.service` attribute, including spans of libraries that know
 * nothing of our services, such as @apollo/gateway's `gateway.*` spans.
 */
export class ServiceAttributeProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const service = serviceOf(parentContext);
    if (service !== undefined && span.attributes[SERVICE_ATTRIBUTE] === undefined) span.setAttribute(SERVICE_ATTRIBUTE, service);
  }
  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/**
 * Exports each span under the resource of the service named by its
 * `gasrapido.service` attribute, so that a trace viewer (Jaeger) shows the
 * gateway, accounts and products as separate services even when they run in
 * one process (tests, `npm start`) under one tracer provider. In a
 * one-service process the names agree and spans pass through unchanged.
 */
export class ServiceResourceExporter implements SpanExporter {
  private readonly resources = new Map<string, Resource>();

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(
      spans.map((span) => this.underItsService(span)),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private underItsService(span: ReadableSpan): ReadableSpan {
    const service = span.attributes[SERVICE_ATTRIBUTE];
    if (typeof service !== 'string' || span.resource.attributes[ATTR_SERVICE_NAME] === service) return span;
    let resource = this.resources.get(service);
    if (resource === undefined) {
      resource = span.resource.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }));
      this.resources.set(service, resource);
    }
    // The span itself stays the prototype: only its resource is replaced.
    return Object.create(span, { resource: { value: resource, enumerable: true } }) as ReadableSpan;
  }
}
