import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, databaseUrl, ensureDatabase, openDatabase, startScheduledJobs, type Database } from '#kit';
import { PaymentsDatabase } from '../../subgraphs/payments/src/database.js';

/**
 * Tests count the statements a request causes; a job that happens to run at
 * the same moment must not be counted with them. The name of the background
 * work has to survive Prisma's engine and the pg pool to reach the observer.
 */
describe('statements sent by background work', () => {
  const seen: Array<{ sql: string; backgroundWork: string | undefined }> = [];
  let database: Database<PaymentsDatabase>;

  beforeAll(async () => {
    const server = inject('postgresServerUrl');
    const name = `bg${randomBytes(5).toString('hex')}`;
    await ensureDatabase(server, name);
    database = openDatabase(PaymentsDatabase, {
      url: databaseUrl(server, name),
      onStatement: (sql, backgroundWork) => seen.push({ sql, backgroundWork }),
    });
  });
  afterAll(() => database.close());

  it('carry the name of the job that sent them, through Prisma, and requests carry none', async () => {
    await database.client.$queryRawUnsafe(`select 'from a request'`);
    let finished: () => void = () => {};
    const ran = new Promise<void>((resolve) => (finished = resolve));
    const jobs = startScheduledJobs(
      [
        {
          name: 'sweep',
          intervalMs: 1,
          run: async () => {
            await database.client.$queryRawUnsafe(`select 'from a job'`);
            await database.client.$transaction(async (transaction) => {
              await transaction.$queryRawUnsafe(`select 'from a job, in a transaction'`);
            });
            finished();
          },
        },
      ],
      createLogger({ service: 'test', level: 'silent' }),
    );
    await ran;
    await jobs.stop();

    const origin = (text: string) => seen.filter((statement) => statement.sql.includes(text)).map((statement) => statement.backgroundWork);
    expect(origin(`'from a request'`)).toEqual([undefined]);
    expect(origin(`'from a job'`)).toEqual(['job sweep']);
    expect(origin(`'from a job, in a transaction'`)).toEqual(['job sweep']);
    expect(seen.filter((statement) => /^\s*begin/i.test(statement.sql)).map((statement) => statement.backgroundWork)).toContain(
      'job sweep',
    );
  });
});
