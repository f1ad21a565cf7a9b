// The gateway as its own process: the single public endpoint of GasRápido.
// With GATEWAY_WORKERS above 1 (or `auto`), this process is the primary of a
// cluster and each worker runs the whole gateway on the shared port.
import { createLogger, openEventBus, loadConfigOrExit, onShutdownSignal, parseTracingSettings, startTracing } from '#kit';
import { isClusterPrimary, superviseWorkers, workerCount, workerSettings } from './cluster.js';
import { parseGatewaySettings } from './config.js';
import { startGateway } from './server.js';

const configured = loadConfigOrExit(() => parseGatewaySettings(process.env));
const logger = createLogger({ service: 'gateway', level: configured.logLevel });
const workers = workerCount(configured.workers);

if (workers > 1 && isClusterPrimary()) {
  superviseWorkers(workers, logger);
} else {
  const settings = workerSettings(configured, workers);
  // Exports traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise a no-op.
  const tracing = startTracing(loadConfigOrExit(() => parseTracingSettings(process.env, 'gateway')));
  // On its own, the gateway hears the subgraphs' events only through Kafka; an in-memory
  // bus would stay silent, so without brokers subscriptions are off (upgrades answer 503).
  const eventBus =
    settings.kafkaBrokers.length > 0
      ? await openEventBus({ brokers: settings.kafkaBrokers, clientId: 'gateway', logger, namespace: settings.kafkaNamespace }, [])
      : undefined;
  const gateway = await startGateway(settings, { logger, ...(eventBus ? { eventBus } : {}) });
  onShutdownSignal(logger, [gateway.stop, ...(eventBus ? [() => eventBus.close()] : []), () => tracing.shutdown()]);
}
