// The alerts subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { alertsModule } from './module.js';

await runSubgraphProcess(alertsModule);
