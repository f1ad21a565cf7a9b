// The couriers subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { couriersModule } from './module.js';

await runSubgraphProcess(couriersModule);
