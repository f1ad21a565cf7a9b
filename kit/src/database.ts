import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { backgroundWorkName } from './background-work.js';

/** The part of a generated Prisma client the kit relies on. */
export interface PrismaLike {
  $disconnect(): Promise<void>;
}

export type PrismaClientConstructor<Client extends PrismaLike> = new (options: { adapter: PrismaPg }) => Client;

export interface DatabaseOptions {
  url: string;
  maxConnections?: number;
  /**
   * Called with the text of every SQL statement sent, and the background work
   * that sent it (undefined when a request did); tests count statements with it.
   */
  onStatement?: (sql: string, backgroundWork: string | undefined) => void;
}

/** One subgraph's connection to its own database. */
export interface Database<Client extends PrismaLike> {
  readonly client: Client;
  readonly pool: pg.Pool;
  /** Resolves when the database answers; used by readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openDatabase<Client extends PrismaLike>(
  PrismaClient: PrismaClientConstructor<Client>,
  options: DatabaseOptions,
): Database<Client> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection (a database restart) must not crash the process.
  pool.on('error', () => {});
  const observe = options.onStatement;
  if (observe !== undefined) {
    pool.on('connect', (connection) => {
      const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
      (connection as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        observe(typeof first === 'string' ? first : String((first as { text?: string } | undefined)?.text ?? ''), backgroundWorkName());
        return query(...args);
      };
    });
  }
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closing: Promise<void> | undefined;
  return {
    client,
    pool,
    async ping() {
      await pool.query('select 1');
    },
    close: () =>
      (closing ??= (async () => {
        await client.$disconnect();
        await pool.end();
      })()),
  };
}
