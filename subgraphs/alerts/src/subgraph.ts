import {
  loadTypeDefs,
  prismaTransactions,
  subgraphSchemaPath,
  type AssembledSubgraph,
  type Database,
  type Logger,
  type SubgraphDefinition,
} from '#kit';
import { AlertService, type AlertStores } from './alerts/alert-service.js';
import { alertStore } from './alerts/alert-store.js';
import type { AlertsSettings } from './config.js';
import type { AlertsDatabase } from './database.js';
import { escalationJob, evaluationJob } from './evaluation/evaluation-jobs.js';
import { RuleEvaluator } from './evaluation/rule-evaluator.js';
import { policyStore } from './escalation/policy-store.js';
import { loaders, type AlertsContext } from './graphql/context.js';
import { resolvers } from './graphql/resolvers.js';
import { deadLetterObserver, observationConsumer } from './consumers/event-observations.js';
import { adminRoleConsumer } from './consumers/admin-roles.js';
import { ruleStore } from './rules/rule-store.js';

export type AlertsSubgraph = Omit<AssembledSubgraph, 'tokenVerifier'> & { definition: SubgraphDefinition<AlertsContext> };

/** Assembles the alerts subgraph: schema, the observation consumer, the dead-letter observer and the evaluation and escalation jobs. Starts nothing. */
export function createAlertsSubgraph(database: Database<AlertsDatabase>, settings: AlertsSettings, logger: Logger): AlertsSubgraph {
  const evaluator = new RuleEvaluator(settings.minimumPayments, logger);
  const stores: AlertStores = {
    rules: ruleStore(database.client),
    policies: policyStore(database.client),
    alerts: alertStore(database.client),
    adminRoles: database.client,
  };
  const service = new AlertService(stores);
  return {
    definition: {
      name: 'alerts',
      typeDefs: loadTypeDefs(subgraphSchemaPath('alerts')),
      resolvers,
      createContext: (request) => ({ ...request, service, ...loaders(stores) }),
      readiness: { database: () => database.ping() },
    },
    publishesEvents: true,
    consumers: [
      observationConsumer(prismaTransactions(database.client), evaluator),
      adminRoleConsumer(prismaTransactions(database.client)),
    ],
    observers: [deadLetterObserver(database.client, evaluator, logger)],
    jobs: [
      evaluationJob(database.client, stores.rules, evaluator, settings.evaluationIntervalMs),
      escalationJob(database.client, logger, settings.evaluationIntervalMs),
    ],
  };
}
