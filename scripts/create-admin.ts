// `npm run admin:create -- --email ana@example.com --phone +5511999990000 --name "Ana Admin"`
// Creates an administrator: the only way to get the first admin. The password
// comes from ADMIN_PASSWORD or is asked for on the terminal, never from argv
// (which other users of the machine can read).
//
// Admin powers need a session with a second factor, so the new admin's next
// step is to sign in and enrol an authenticator app (docs/mfa.md); until then
// their sessions act as nobody special.
//
// It must see the same database as the accounts service: ACCOUNTS_DATABASE_URL,
// or the server of `npm start` (DATABASE_URL, or the embedded one on
// EMBEDDED_POSTGRES_PORT, started here for the moment if it is not running).
// Run it with the same settings as `npm start`; if the embedded server is
// running on another port, it says so and which port to use. The account's
// user.created event goes to the outbox like any other; the accounts service's
// relay publishes it when it next runs.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { databaseUrl, ensureDatabase, loadConfigOrExit, applyMigrations, readServiceMigrations, openDatabase, Role } from '#kit';
import pg from 'pg';
import { AccountsDatabase } from '../subgraphs/accounts/src/database.js';
import { createAccount } from '../subgraphs/accounts/src/users/account-service.js';
import { userStore } from '../subgraphs/accounts/src/users/user-store.js';
import { EmbeddedPostgresInUseError, startEmbeddedPostgres, type RunningPostgres } from '../platform/src/embedded-postgres.js';
import { parsePlatformSettings } from '../platform/src/settings.js';

const { values } = parseArgs({
  options: { email: { type: 'string' }, phone: { type: 'string' }, name: { type: 'string' } },
});
if (!values.email || !values.phone || !values.name) {
  process.stderr.write('usage: npm run admin:create -- --email <email> --phone <E.164 phone> --name <name>\n');
  process.exit(64);
}

async function readPassword(): Promise<string> {
  const fromEnvironment = process.env['ADMIN_PASSWORD'];
  if (fromEnvironment) return fromEnvironment;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question('Password for the new admin: ');
  prompt.close();
  return answer;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Stops with a message for the operator, not a stack trace: the database is elsewhere or unreachable. */
function unavailable(message: string): never {
  process.stderr.write(`admin:create: ${message}\n`);
  process.exit(69); // EX_UNAVAILABLE
}

/** Where a database URL points, without its password. */
const serverOf = (url: string) => {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
};

let embedded: RunningPostgres | undefined;
let accountsUrl = process.env['ACCOUNTS_DATABASE_URL'];
if (!accountsUrl) {
  const settings = loadConfigOrExit(() => parsePlatformSettings(process.env));
  let serverUrl = settings.databaseUrl ?? `postgresql://postgres:postgres@127.0.0.1:${settings.embeddedPostgresPort}/postgres`;
  if (settings.databaseUrl === undefined && !(await reachable(serverUrl))) {
    try {
      embedded = await startEmbeddedPostgres({ dataDirectory: settings.embeddedPostgresDirectory, port: settings.embeddedPostgresPort });
    } catch (error) {
      if (error instanceof EmbeddedPostgresInUseError) unavailable(error.message);
      unavailable(`could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
    }
    serverUrl = embedded.serverUrl;
  }
  if (!(await reachable(serverUrl))) {
    unavailable(
      `cannot reach PostgreSQL at ${serverOf(serverUrl)}. It must be the database \`npm start\` uses (the same DATABASE_URL or EMBEDDED_POSTGRES_PORT).`,
    );
  }
  await ensureDatabase(serverUrl, 'gasrapido_accounts');
  accountsUrl = databaseUrl(serverUrl, 'gasrapido_accounts');
} else if (!(await reachable(accountsUrl))) {
  unavailable(
    `cannot reach the accounts database at ${serverOf(accountsUrl)} (ACCOUNTS_DATABASE_URL). It must be the database the accounts service uses.`,
  );
}

try {
  await applyMigrations(accountsUrl, await readServiceMigrations('accounts'));
  const database = openDatabase(AccountsDatabase, { url: accountsUrl, maxConnections: 2 });
  try {
    const admin = await createAccount(
      userStore(database.client),
      { email: values.email, phone: values.phone, name: values.name, password: await readPassword() },
      [Role.ADMIN],
      { source: 'accounts', correlationId: `admin-bootstrap-${Date.now()}` },
    );
    process.stdout.write(
      [
        `created admin ${admin.email} (${admin.id})`,
        '',
        'Admin powers need multi-factor authentication. Next, through the API:',
        '  1. login(input: { email, password })            -> a Session (no second factor yet)',
        '  2. beginMfaEnrolment with that access token      -> scan provisioningUri into an authenticator app',
        '  3. confirmMfaEnrolment(code: <6-digit code>)     -> store the recovery codes; its session has admin powers',
        'Later sign-ins take two steps: login, then verifyMfaLogin(challengeToken, code). See docs/mfa.md.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    const problems = (error as { extensions?: { fields?: Array<{ field: string; message: string }> } }).extensions?.fields;
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (problems === undefined) throw error;
    process.exitCode = 65;
  } finally {
    await database.close();
  }
} finally {
  await embedded?.stop();
}
