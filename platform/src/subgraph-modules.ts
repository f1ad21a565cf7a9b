import type { PrismaLike, SubgraphModule, SubgraphProcessSettings } from '#kit';
import { accountsModule } from '../../subgraphs/accounts/src/module.js';
import { productsModule } from '../../subgraphs/products/src/module.js';
import { invitationsModule } from '../../subgraphs/invitations/src/module.js';
import { verificationModule } from '../../subgraphs/verification/src/module.js';
import { couriersModule } from '../../subgraphs/couriers/src/module.js';
import { ordersModule } from '../../subgraphs/orders/src/module.js';
import { paymentsModule } from '../../subgraphs/payments/src/module.js';
import { notificationsModule } from '../../subgraphs/notifications/src/module.js';
import { analyticsModule } from '../../subgraphs/analytics/src/module.js';
import { alertsModule } from '../../subgraphs/alerts/src/module.js';

export type AnySubgraphModule = SubgraphModule<SubgraphProcessSettings, PrismaLike>;

/**
 * Every subgraph the platform runs, in start order. Accounts comes first: the
 * others verify tokens against its JWKS. Adding a subgraph means adding its
 * module here and its schema to rover.yaml.
 */
export const subgraphModules: readonly AnySubgraphModule[] = [
  accountsModule,
  productsModule,
  invitationsModule,
  verificationModule,
  couriersModule,
  ordersModule,
  paymentsModule,
  notificationsModule,
  analyticsModule,
  alertsModule,
];
