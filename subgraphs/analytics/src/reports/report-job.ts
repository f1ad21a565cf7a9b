import { randomUUID } from 'node:crypto';
import { pendingEvent, type Logger, type ScheduledJob } from '#kit';
import type { MetricsStore } from '../metrics/metrics-store.js';
import { renderReport } from './report-render.js';
import type { ReportStore } from './report-store.js';
import { AnalyticsEvents } from '../events/index.js';

const BATCH = 5;
/** Longer than any report takes; a crashed instance's report is taken up again after it. */
const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;

/** Generates requested reports in the background and publishes report.generated for each. */
export function reportJob(reports: ReportStore, metrics: MetricsStore, logger: Logger, intervalMs: number): ScheduledJob {
  return {
    name: 'analytics.reports',
    intervalMs,
    async run() {
      for (;;) {
        const claimed = await reports.claimPending(BATCH, LEASE_MS);
        for (const report of claimed) {
          try {
            const content = await renderReport(metrics, report);
            const generatedAt = new Date();
            const event = pendingEvent(AnalyticsEvents.reportGenerated, { source: 'analytics', correlationId: randomUUID() }, report.id, {
              reportId: report.id,
              requestedBy: report.requestedBy,
              kind: report.kind,
              format: report.format,
              periodStart: report.periodStart.toISOString(),
              periodEnd: report.periodEnd.toISOString(),
              generatedAt: generatedAt.toISOString(),
            });
            await reports.complete(report.id, content, generatedAt, [event]);
            logger.info({ reportId: report.id, kind: report.kind, sizeBytes: Buffer.byteLength(content.text) }, 'report generated');
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            await reports.fail(report.id, reason, report.attempts >= MAX_ATTEMPTS);
            logger.warn({ err: error, reportId: report.id, attempts: report.attempts }, 'report generation failed');
          }
        }
        if (claimed.length < BATCH) return;
      }
    },
  };
}
