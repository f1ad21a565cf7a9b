// The gateway as its own process: the single public endpoint of GasRápido.
import { createLogger, openEventBus, loadConfigOrExit, onShutdownSignal, parseTracingSettings, startTracing } from '#kit';
import { parseGatewaySettings } from './config.js';
import { startGateway } from './server.js';

const settings = loadConfigOrExit(() => parseGatewaySettings(process.env));
const logger = createLogger({ service: 'gateway', level: settings.logLevel });
// Exports traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise a no-op.
const tracing = startTracing(loadConfigOrExit(() => parseTracingSettings(process.env, 'gateway')));
// On its own, the gateway hears the subgraphs' events only through Kafka; an in-memory
// bus would stay silent, so without brokers subscriptions are off (upgrades answer 503).
const eventBus =
  settings.kafkaBrokers.length > 0
    ? await openEventBus({ brokers: settings.kafkaBrokers, clientId: 'gateway', logger, namespace: settings.kafkaNamespace })
    : undefined;
const gateway = await startGateway(settings, { logger, ...(eventBus ? { eventBus } : {}) });
onShutdownSignal(logger, [gateway.stop, ...(eventBus ? [() => eventBus.close()] : []), () => tracing.shutdown()]);
