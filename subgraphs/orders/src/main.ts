// The orders subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { ordersModule } from './module.js';

await runSubgraphProcess(ordersModule);
