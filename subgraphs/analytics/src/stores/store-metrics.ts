import { forbidden, hasRole, invalidInput, isUuid, notFound, requireRole, Role, type FieldProblem, type Viewer } from '#kit';
import type { StoreFigures, StoreMetricsStore } from './store-metrics-store.js';

const DAY_MS = 86_400_000;
/** The longest range asked at once: a year, as for businessMetrics. */
const MAX_RANGE_DAYS = 366;

export interface StoreMetricsView extends StoreFigures {
  storeId: string;
  storeName: string;
  from: Date;
  to: Date;
  /** Shares of ordersToAnswer; null when the store was asked nothing. */
  acceptanceRate: number | null;
  rejectionRate: number | null;
  unansweredRate: number | null;
  /** Share of deliveries with a promise made on time; null when there were none. */
  onTimeRate: number | null;
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * A store's figures for its owner and admins. Analytics learns who owns a store from store
 * events: a store it has not heard of is NOT_FOUND (for admins as well), another supplier's is
 * FORBIDDEN, as for businessMetrics.
 */
export class StoreMetrics {
  constructor(private readonly store: StoreMetricsStore) {}

  async of(viewer: Viewer | null, storeId: string, from: Date, to: Date): Promise<StoreMetricsView> {
    const signedIn = requireRole(viewer, Role.ADMIN, Role.SUPPLIER);
    const problems: FieldProblem[] = [];
    if (!isUuid(storeId)) problems.push({ field: 'storeId', message: 'must be a store id' });
    if (to.getTime() <= from.getTime()) problems.push({ field: 'to', message: 'must be after from' });
    else if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
      problems.push({ field: 'to', message: `the range spans at most ${MAX_RANGE_DAYS} days` });
    if (problems.length > 0) throw invalidInput(problems);
    const owner = await this.store.owner(storeId);
    if (owner === null) throw notFound('Store');
    if (!hasRole(signedIn, Role.ADMIN) && owner.supplierId !== signedIn.userId)
      throw forbidden('Only the store’s owner and admins see its metrics.');
    const figures = await this.store.figures(storeId, from, to);
    const delivered = figures.deliveredOnTime + figures.deliveredLate;
    return {
      storeId,
      storeName: owner.name,
      from,
      to,
      ...figures,
      acceptanceRate: share(figures.accepted, figures.ordersToAnswer),
      rejectionRate: share(figures.rejected, figures.ordersToAnswer),
      unansweredRate: share(figures.unanswered, figures.ordersToAnswer),
      onTimeRate: share(figures.deliveredOnTime, delivered),
    };
  }
}
