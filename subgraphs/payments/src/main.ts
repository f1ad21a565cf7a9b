// The payments subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { paymentsModule } from './module.js';

await runSubgraphProcess(paymentsModule);
