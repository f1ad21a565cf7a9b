import { connection, decodeCursor, isUuid, pageSize } from '#kit';
import { metricsQuery, type MetricsInput } from '../metrics/metrics-input.js';
import type { Figures } from '../metrics/metrics-store.js';
import type { RequestReportInput } from '../reports/report-service.js';
import type { Report } from '../reports/report-store.js';
import type { AnalyticsContext } from './context.js';

const load = (context: AnalyticsContext, id: string) => (isUuid(id) ? context.reportById.load(id) : Promise.resolve(null));

export const resolvers = {
  Query: {
    businessMetrics: async (_root: unknown, { input }: { input: MetricsInput }, context: AnalyticsContext) => {
      const query = metricsQuery(context.viewer, input);
      const result = await context.metrics.metrics(query);
      return {
        from: query.from.toISOString(),
        to: query.to.toISOString(),
        granularity: query.granularity,
        supplierId: query.supplierId,
        totals: result.totals,
        series: result.series.map((bucket) => ({ start: bucket.start.toISOString(), figures: bucket.figures satisfies Figures })),
        topProducts: result.topProducts.map((product) => ({ ...product, product: { __typename: 'Product', id: product.productId } })),
        courierUtilisation: result.courierUtilisation,
      };
    },
    reports: async (_root: unknown, args: { first?: number | null; after?: string | null }, context: AnalyticsContext) => {
      const page = await context.reports.list(context.viewer, pageSize(args.first), decodeCursor(args.after));
      return connection(page.nodes, page.hasNextPage, page.totalCount);
    },
    report: async (_root: unknown, { id }: { id: string }, context: AnalyticsContext) =>
      context.reports.visible(context.viewer, await load(context, id)),
    storeMetrics: async (_root: unknown, args: { storeId: string; from: Date; to: Date }, context: AnalyticsContext) => {
      const view = await context.storeMetrics.of(context.viewer, args.storeId, args.from, args.to);
      return { ...view, from: view.from.toISOString(), to: view.to.toISOString() };
    },
  },
  Mutation: {
    requestReport: (_root: unknown, { input }: { input: RequestReportInput }, context: AnalyticsContext) =>
      context.reports.request(context.viewer, input),
  },
  Report: {
    __resolveReference: async (reference: { id: string }, context: AnalyticsContext) =>
      context.reports.visible(context.viewer, await load(context, reference.id)),
    requestedBy: (report: Report) => ({ __typename: 'User', id: report.requestedBy }),
    periodStart: (report: Report) => report.periodStart.toISOString(),
    periodEnd: (report: Report) => report.periodEnd.toISOString(),
    downloadUrl: (report: Report, _args: unknown, context: AnalyticsContext) => context.reports.download(report)?.url ?? null,
    downloadUrlExpiresAt: (report: Report, _args: unknown, context: AnalyticsContext) =>
      context.reports.download(report)?.expiresAt.toISOString() ?? null,
    generatedAt: (report: Report) => report.generatedAt?.toISOString() ?? null,
    createdAt: (report: Report) => report.createdAt.toISOString(),
  },
};
