// The analytics subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { analyticsModule } from './module.js';

await runSubgraphProcess(analyticsModule);
