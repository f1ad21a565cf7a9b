// The accounts subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { accountsModule } from './module.js';

await runSubgraphProcess(accountsModule);
