import { randomUUID } from 'node:crypto';
import { newestFirstPage, pageOf, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import type { AnalyticsDatabase, ReportFormat, ReportKind, ReportRow } from '../database.js';

export type Report = ReportRow;

export interface NewReport {
  requestedBy: string;
  kind: ReportKind;
  format: ReportFormat;
  periodStart: Date;
  periodEnd: Date;
}

export function reportStore(client: AnalyticsDatabase) {
  return {
    create: (report: NewReport) => client.report.create({ data: { id: randomUUID(), ...report } }),
    findByIds: (ids: readonly string[]) => client.report.findMany({ where: { id: { in: [...ids] } } }),
    findById: (id: string) => client.report.findUnique({ where: { id } }),
    async page(first: number, after: KeysetCursor | undefined) {
      const [rows, totalCount] = await Promise.all([client.report.findMany(newestFirstPage({}, after, first)), client.report.count()]);
      return { ...pageOf(rows, first), totalCount };
    },
    /**
     * Leases up to `limit` pending reports (and any whose lease ran out) for one generation
     * attempt each; SKIP LOCKED keeps two instances from taking the same report.
     */
    async claimPending(limit: number, leaseMs: number): Promise<Report[]> {
      const ids = await client.$queryRawUnsafe<Array<{ id: string }>>(
        `update reports set leased_until = now() + ($2::int * interval '1 millisecond'), attempts = attempts + 1
         where id in (select id from reports where status = 'PENDING' and (leased_until is null or leased_until < now())
                      order by created_at limit $1 for update skip locked)
         returning id`,
        limit,
        leaseMs,
      );
      return ids.length === 0
        ? []
        : client.report.findMany({ where: { id: { in: ids.map((row) => row.id) } }, orderBy: { createdAt: 'asc' } });
    },
    /** Stores the content and its report.generated event in one transaction. */
    async complete(
      id: string,
      content: { text: string; contentType: string },
      generatedAt: Date,
      events: readonly PendingEvent[],
    ): Promise<void> {
      await client.$transaction(async (tx) => {
        await tx.report.update({
          where: { id },
          data: {
            status: 'READY',
            content: content.text,
            contentType: content.contentType,
            sizeBytes: Buffer.byteLength(content.text),
            generatedAt,
            leasedUntil: null,
            error: null,
          },
        });
        await recordEvents(tx, events);
      });
    },
    fail: (id: string, error: string, final: boolean) =>
      client.report.update({
        where: { id },
        data: { error: error.slice(0, 500), leasedUntil: null, ...(final ? { status: 'FAILED' as const } : {}) },
      }),
  };
}

export type ReportStore = ReturnType<typeof reportStore>;
