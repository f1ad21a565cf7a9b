// The invitations subgraph as its own process (one container per service).
import { runSubgraphProcess } from '#kit';
import { invitationsModule } from './module.js';

await runSubgraphProcess(invitationsModule);
