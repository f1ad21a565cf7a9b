// The products subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { productsModule } from './module.js';

await runSubgraphProcess(productsModule);
