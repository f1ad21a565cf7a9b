import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import type { AnalyticsSettings } from './config.js';
import type { AnalyticsDatabase } from './database.js';
import { reportLoader, type AnalyticsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { eventIngestConsumer } from './consumers/event-ingest.js';
import { MetricsStore } from './metrics/metrics-store.js';
import { reportJob } from './reports/report-job.js';
import { ReportLinkSigner } from './reports/report-links.js';
import { reportDownloadRoute } from './reports/report-route.js';
import { ReportService } from './reports/report-service.js';
import { reportStore } from './reports/report-store.js';
import { StoreMetrics } from './stores/store-metrics.js';
import { StoreMetricsStore } from './stores/store-metrics-store.js';

export type AnalyticsSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & { definition: SubgraphDefinition<AnalyticsContext> };

/** Assembles the analytics subgraph: schema, the ingest consumer, the report job and the download route. Starts nothing. */
export function createAnalyticsSubgraph(
  database: Database<AnalyticsDatabase>,
  settings: AnalyticsSettings,
  logger: Logger,
): AnalyticsSubgraph {
  const metrics = new MetricsStore(database.pool, settings.commissionBasisPoints);
  const reports = reportStore(database.client);
  const links = new ReportLinkSigner(settings.reports.signingSecret);
  const service = new ReportService(reports, links, settings.reports);
  const storeMetrics = new StoreMetrics(new StoreMetricsStore(database.pool));
  return {
    definition: {
      name: 'analytics',
      typeDefs: loadTypeDefs(subgraphSchemaPath('analytics')),
      resolvers,
      createContext: (request) => ({ ...request, metrics, reports: service, storeMetrics, reportById: reportLoader(reports) }),
      routes: [reportDownloadRoute(reports, links)],
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [eventIngestConsumer(prismaTransactions(database.client))],
    jobs: [reportJob(reports, metrics, logger, settings.reports.sweepMs)],
  };
}
