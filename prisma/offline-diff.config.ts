// Prisma CLI configuration for writing migrations offline: `npm run db:migration` (scripts/new-migration.ts).
//
// Prisma 6.19 runs its schema engine as WebAssembly when given a driver
// adapter. `migrate diff` between two schema files needs no database, but the
// engine still asks the adapter for the server version first; this adapter
// answers that one question and refuses everything else, so no command run
// with this file can touch a database.
import { defineConfig } from 'prisma/config';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';

const versionOnlyConnection = {
  provider: 'postgres' as const,
  adapterName: '@prisma/adapter-pg',
  async queryRaw(query: { sql: string }) {
    if (query.sql.includes('version()')) {
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, 'PostgreSQL 18.0', 180000]],
      };
    }
    throw new Error(`offline diff configuration: no database behind this query: ${query.sql}`);
  },
  async executeRaw(): Promise<number> {
    throw new Error('offline diff configuration: no database');
  },
  async executeScript(): Promise<void> {
    throw new Error('offline diff configuration: no database');
  },
  async startTransaction(): Promise<never> {
    throw new Error('offline diff configuration: no database');
  },
  async dispose() {},
};

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    ({
      ...versionOnlyConnection,
      connect: async () => versionOnlyConnection,
      connectToShadowDb: async () => versionOnlyConnection,
    }) as never,
});
