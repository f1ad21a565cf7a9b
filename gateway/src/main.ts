// The gateway as its own process: the single public endpoint of GasRápido.
import { createLogger, loadConfigOrExit, onShutdownSignal } from '#kit';
import { parseGatewaySettings } from './config.js';
import { startGateway } from './server.js';

const settings = loadConfigOrExit(() => parseGatewaySettings(process.env));
const logger = createLogger({ service: 'gateway', level: settings.logLevel });
const gateway = await startGateway(settings, { logger });
onShutdownSignal(logger, [gateway.stop]);
