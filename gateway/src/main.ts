// The gateway as its own process: the single public endpoint of GasRápido.
import { createEventBus, createLogger, loadConfigOrExit, onShutdownSignal } from '#kit';
import { parseGatewaySettings } from './config.js';
import { startGateway } from './server.js';

const settings = loadConfigOrExit(() => parseGatewaySettings(process.env));
const logger = createLogger({ service: 'gateway', level: settings.logLevel });
// On its own, the gateway hears the subgraphs' events only through Kafka; an in-memory
// bus would stay silent, so without brokers subscriptions are off (upgrades answer 503).
const eventBus =
  settings.kafkaBrokers.length > 0 ? createEventBus({ brokers: settings.kafkaBrokers, clientId: 'gateway', logger, namespace: process.env['KAFKA_NAMESPACE'] }) : undefined;
const gateway = await startGateway(settings, { logger, ...(eventBus ? { eventBus } : {}) });
onShutdownSignal(logger, [gateway.stop, ...(eventBus ? [() => eventBus.close()] : [])]);
