import { invalidInput, requireRole, Role, type FieldProblem, type KeysetCursor, type Viewer } from '#kit';
import type { ReportFormat, ReportKind } from '../database.js';
import type { ReportLinkSigner } from './report-links.js';
import type { Report, ReportStore } from './report-store.js';
import type { ReportSettings } from '../config.js';
import { REPORT_DOWNLOAD_PATH } from './report-route.js';

const MAX_PERIOD_MS = 366 * 86_400_000;

export interface RequestReportInput {
  kind: ReportKind;
  periodStart: Date;
  periodEnd: Date;
  format?: ReportFormat | null;
}

/** Reports are an admin's tool: requesting, listing and the signed links to download them. */
export class ReportService {
  constructor(
    private readonly reports: ReportStore,
    private readonly links: ReportLinkSigner,
    private readonly settings: ReportSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async request(viewer: Viewer | null, input: RequestReportInput): Promise<Report> {
    const admin = requireRole(viewer, Role.ADMIN);
    const problems: FieldProblem[] = [];
    const { periodStart, periodEnd } = input;
    if (periodEnd.getTime() <= periodStart.getTime()) problems.push({ field: 'input.periodEnd', message: 'must be after periodStart' });
    else if (periodEnd.getTime() - periodStart.getTime() > MAX_PERIOD_MS)
      problems.push({ field: 'input.periodEnd', message: 'a report spans at most 366 days' });
    if (problems.length > 0) throw invalidInput(problems);
    return this.reports.create({ requestedBy: admin.userId, kind: input.kind, format: input.format ?? 'CSV', periodStart, periodEnd });
  }

  list(viewer: Viewer | null, first: number, after: KeysetCursor | undefined) {
    requireRole(viewer, Role.ADMIN);
    return this.reports.page(first, after);
  }

  visible(viewer: Viewer | null, report: Report | null): Report | null {
    requireRole(viewer, Role.ADMIN);
    return report;
  }

  /** Links already signed for a report object, so `downloadUrl` and `downloadUrlExpiresAt` of one answer agree. */
  private readonly signed = new WeakMap<Report, { url: string; expiresAt: Date }>();

  /** A fresh signed link for each answer; null until the report is READY. */
  download(report: Report): { url: string; expiresAt: Date } | null {
    if (report.status !== 'READY') return null;
    const known = this.signed.get(report);
    if (known !== undefined) return known;
    const expiresAtSeconds = Math.floor(this.now() / 1000) + this.settings.urlTtlSeconds;
    const token = this.links.sign(report.id, expiresAtSeconds);
    const link = { url: `${this.settings.publicUrl}${REPORT_DOWNLOAD_PATH}?token=${token}`, expiresAt: new Date(expiresAtSeconds * 1000) };
    this.signed.set(report, link);
    return link;
  }
}
