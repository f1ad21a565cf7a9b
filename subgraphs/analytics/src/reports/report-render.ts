import { stringify } from 'csv-stringify/sync';
import type { ReportFormat, ReportKind } from '../database.js';
import type { Figures, MetricsStore } from '../metrics/metrics-store.js';

export interface RenderedReport {
  text: string;
  contentType: string;
}

const figureColumns: ReadonlyArray<keyof Figures> = [
  'ordersPlaced',
  'ordersDelivered',
  'grossMerchandiseValue',
  'platformRevenue',
  'averageDeliverySeconds',
  'p90DeliverySeconds',
  'paymentsSucceeded',
  'paymentsFailed',
  'paymentSuccessRate',
];

/**
 * RFC 4180 with CRLF records. Product names are chosen by suppliers, and a cell
 * starting with `=`, `+`, `-`, `@`, tab or carriage return runs as a formula in
 * a spreadsheet (`=HYPERLINK(...)`): such text cells get a leading apostrophe.
 * Numbers are written as they are, so a negative figure stays a number.
 */
const csv = (header: readonly string[], rows: ReadonlyArray<readonly unknown[]>) =>
  stringify([header, ...rows], { record_delimiter: 'windows', escape_formulas: true });

/** Generates a report's content from the same queries the metrics API answers with. */
export async function renderReport(
  metrics: MetricsStore,
  report: { kind: ReportKind; format: ReportFormat; periodStart: Date; periodEnd: Date },
): Promise<RenderedReport> {
  const period = { periodStart: report.periodStart.toISOString(), periodEnd: report.periodEnd.toISOString() };
  if (report.kind === 'TOP_PRODUCTS') {
    const products = await metrics.topProducts({ from: report.periodStart, to: report.periodEnd, supplierId: null }, 50);
    if (report.format === 'JSON')
      return { text: JSON.stringify({ kind: report.kind, ...period, products }), contentType: 'application/json' };
    return {
      text: csv(
        ['productId', 'name', 'quantity', 'revenue'],
        products.map((product) => [product.productId, product.name, product.quantity, product.revenue]),
      ),
      contentType: 'text/csv',
    };
  }
  const granularity = report.kind === 'METRICS_DAILY' ? 'DAY' : 'HOUR';
  const result = await metrics.metrics({ from: report.periodStart, to: report.periodEnd, granularity, supplierId: null, topProducts: 10 });
  if (report.format === 'JSON') {
    return {
      text: JSON.stringify({
        kind: report.kind,
        ...period,
        granularity,
        totals: result.totals,
        series: result.series.map((bucket) => ({ start: bucket.start.toISOString(), ...bucket.figures })),
      }),
      contentType: 'application/json',
    };
  }
  return {
    text: csv(
      ['bucketStart', ...figureColumns],
      [
        ...result.series.map((bucket) => [bucket.start.toISOString(), ...figureColumns.map((column) => bucket.figures[column])]),
        ['total', ...figureColumns.map((column) => result.totals[column])],
      ],
    ),
    contentType: 'text/csv',
  };
}
