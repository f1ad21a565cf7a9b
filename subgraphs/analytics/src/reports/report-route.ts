import { ErrorCode, sendGraphQLError, type Route } from '#kit';
import type { ReportLinkSigner } from './report-links.js';
import type { ReportStore } from './report-store.js';

export const REPORT_DOWNLOAD_PATH = '/reports';

/**
 * GET /reports?token=…: the signed link is the credential (the gateway forwards the path here,
 * as it forwards /documents to verification). The answer is never cached.
 */
export function reportDownloadRoute(reports: ReportStore, links: ReportLinkSigner): Route {
  return {
    method: 'GET',
    path: REPORT_DOWNLOAD_PATH,
    async handle(_request, response, url) {
      const check = links.verify(url.searchParams.get('token'));
      if (!check.ok) {
        const message =
          check.reason === 'EXPIRED'
            ? 'This download link has expired; ask for the report again to get a new one.'
            : 'This download link is not valid.';
        sendGraphQLError(response, check.reason === 'EXPIRED' ? ErrorCode.FORBIDDEN : ErrorCode.UNAUTHENTICATED, message);
        return;
      }
      const report = await reports.findById(check.reportId);
      if (report === null || report.status !== 'READY' || report.content === null) {
        sendGraphQLError(response, ErrorCode.NOT_FOUND, 'The report was not found.');
        return;
      }
      const extension = report.format === 'CSV' ? 'csv' : 'json';
      response.writeHead(200, {
        'content-type': `${report.contentType ?? 'application/octet-stream'}; charset=utf-8`,
        'content-length': String(Buffer.byteLength(report.content)),
        'content-disposition': `attachment; filename="report-${report.kind.toLowerCase()}-${report.id}.${extension}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
      response.end(report.content);
    },
  };
}
