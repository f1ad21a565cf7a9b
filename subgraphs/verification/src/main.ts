// The verification subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { verificationModule } from './module.js';

await runSubgraphProcess(verificationModule);
