import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  createLogger,
  currentTraceContext,
  MemoryEventBus,
  parseTracingSettings,
  pendingEvent,
  SERVICE_ATTRIBUTE,
  on,
  startEventConsumer,
  startTracing,
  type TransactionRunner,
  type Tracing,
} from '#kit';
import { USER_TOPIC, UserEvents } from './example-contracts.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ exportUrl: undefined, serviceName: 'unit-tests', sampleRatio: 1, exporter, exportDelayMs: 10 });
});
afterAll(() => tracing.shutdown());
beforeEach(() => exporter.reset());

const tracer = () => trace.getTracer('test');

async function finishedSpans(): Promise<ReadableSpan[]> {
  await tracing.flush();
  return exporter.getFinishedSpans();
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const transactions: TransactionRunner<null> = { run: (work) => work(null), markProcessed: async () => true };

describe('tracing settings', () => {
  it('export nothing unless an OTLP endpoint is configured, and append the traces path to a base endpoint', () => {
    expect(parseTracingSettings({}, 'accounts')).toEqual({ exportUrl: undefined, serviceName: 'accounts', sampleRatio: 1 });
    expect(parseTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }, 'accounts').exportUrl).toBe(
      'http://jaeger:4318/v1/traces',
    );
    expect(
      parseTracingSettings(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' },
        'x',
      ).exportUrl,
    ).toBe('http://b:4318/traces');
    expect(
      parseTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }, 'x').exportUrl,
    ).toBeUndefined();
    expect(() => parseTracingSettings({ OTEL_TRACES_SAMPLER_ARG: '2' }, 'x')).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });

  it('refuse to start tracing twice in one process', () => {
    expect(() => startTracing({ exportUrl: undefined, serviceName: 'x', sampleRatio: 1, exporter })).toThrow(/already started/);
  });
});

describe('trace context', () => {
  it('is the active span’s W3C traceparent, and empty outside any span', () => {
    expect(currentTraceContext()).toEqual({});
    tracer().startActiveSpan('work', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(currentTraceContext()).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
      span.end();
    });
  });

  it('goes into an outbox event built while a span is active, unless the origin names another', () => {
    const data = { userId: randomUUID(), roles: ['SUPPLIER' as const] };
    tracer().startActiveSpan('request', (span) => {
      const event = pendingEvent(UserEvents.deleted, { source: 'accounts', correlationId: 'c' }, data.userId, data);
      expect(event.envelope.traceContext.traceparent).toContain(span.spanContext().traceId);
      const explicit = pendingEvent(UserEvents.deleted, { source: 'accounts', correlationId: 'c', traceContext: {} }, data.userId, data);
      expect(explicit.envelope.traceContext).toEqual({});
      span.end();
    });
  });
});

describe('a consumer', () => {
  it('continues the trace of the envelope it handles, in a consumer span of its service, with trace ids in its log lines', async () => {
    const bus = new MemoryEventBus();
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      service: 'products',
      level: 'info',
      destination: new Writable({
        write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()),
      }),
    });
    let handled = false;
    const consumer = await startEventConsumer({
      name: 'products.trace-test',
      bus,
      transactions,
      logger,
      handlers: [
        on(UserEvents.deleted, async (_data, { logger: eventLogger }) => {
          eventLogger.info('handling');
          handled = true;
        }),
      ],
    });
    const producer = tracer().startSpan('producing request');
    const traceContext = context.with(trace.setSpan(context.active(), producer), currentTraceContext);
    producer.end();
    const userId = randomUUID();
    const envelope = createEnvelope({
      type: 'user.deleted',
      source: 'accounts',
      subject: userId,
      schemaVersion: 1,
      correlationId: 'corr-123',
      traceContext,
      data: { userId, roles: ['SUPPLIER'] },
    });
    await bus.publish([{ topic: USER_TOPIC, key: userId, value: JSON.stringify(envelope) }]);
    await until(() => handled);
    await consumer.stop();
    await bus.close();

    const spans = await finishedSpans();
    const consumed = spans.find((span) => span.kind === SpanKind.CONSUMER);
    expect(consumed).toMatchObject({ name: `${USER_TOPIC} process` });
    expect(consumed!.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumed!.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumed!.attributes).toMatchObject({
      [SERVICE_ATTRIBUTE]: 'products.trace-test',
      'messaging.destination.name': USER_TOPIC,
      'messaging.message.id': envelope.id,
      'gasrapido.correlation_id': 'corr-123',
      'gasrapido.event.outcome': 'handled',
    });
    expect(consumed!.resource.attributes['service.name']).toBe('products.trace-test');
    const logLine = lines.find((line) => line['message'] === 'handling');
    expect(logLine).toMatchObject({
      traceId: producer.spanContext().traceId,
      spanId: consumed!.spanContext().spanId,
      correlationId: 'corr-123',
    });
  });
});

describe('outgoing HTTP requests made with undici', () => {
  let server: Server;
  let url: string;
  const received: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request.headers);
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => void received.splice(0));

  it('carry the active span’s traceparent to the next service', async () => {
    const span = tracer().startSpan('gateway.fetch');
    await context.with(trace.setSpan(context.active(), span), async () => (await undiciFetch(url)).text());
    span.end();
    expect(received[0]?.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('keep a traceparent the caller set, and add none outside a span', async () => {
    const span = tracer().startSpan('outer');
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await context.with(trace.setSpan(context.active(), span), async () =>
      (await undiciFetch(url, { headers: { traceparent: own } })).text(),
    );
    span.end();
    await (await undiciFetch(url)).text();
    expect(received[0]?.traceparent).toBe(own);
    expect(received[1]?.traceparent).toBeUndefined();
  });
});

describe('the exporter', () => {
  it('exports each span under the resource of the service it belongs to', async () => {
    tracer()
      .startSpan('in accounts', { attributes: { [SERVICE_ATTRIBUTE]: 'accounts' } })
      .end();
    tracer().startSpan('in no service').end();
    const spans = await finishedSpans();
    expect(spans.find((span) => span.name === 'in accounts')?.resource.attributes['service.name']).toBe('accounts');
    expect(spans.find((span) => span.name === 'in no service')?.resource.attributes['service.name']).toBe('unit-tests');
  });
});
