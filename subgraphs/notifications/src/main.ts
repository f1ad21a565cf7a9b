// The notifications subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { notificationsModule } from './module.js';

await runSubgraphProcess(notificationsModule);
