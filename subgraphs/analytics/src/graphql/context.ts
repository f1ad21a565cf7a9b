import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { MetricsStore } from '../metrics/metrics-store.js';
import type { ReportService } from '../reports/report-service.js';
import type { StoreMetrics } from '../stores/store-metrics.js';
import type { Report, ReportStore } from '../reports/report-store.js';

export interface AnalyticsContext extends RequestContext {
  readonly metrics: MetricsStore;
  readonly reports: ReportService;
  readonly storeMetrics: StoreMetrics;
  /** Batches `report` and `_entities` lookups into one query per request. */
  readonly reportById: DataLoader<string, Report | null>;
}

export function reportLoader(reports: ReportStore): DataLoader<string, Report | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await reports.findByIds(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
