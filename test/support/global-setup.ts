import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../platform/src/embedded-postgres.js';
import { freePort } from './free-port.js';
import { startKafkaBroker } from './kafka-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string;
    /** Bootstrap addresses of the run's Kafka broker. */
    kafkaBrokers: string[];
  }
}

type Teardown = () => Promise<void>;

/**
 * One real PostgreSQL server and one real Kafka broker for the whole run,
 * started in parallel. Each test file creates its own databases on the server
 * (see platform.ts) and its own topics and groups on the broker, so files never
 * share data. TEST_DATABASE_URL and TEST_KAFKA_BROKERS (comma-separated) point
 * the suite at existing servers instead.
 */
export default async function setup(project: TestProject): Promise<Teardown> {
  const started = await Promise.allSettled([startPostgres(project), startKafka(project)]);
  const teardowns = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const teardown: Teardown = async () => {
    await Promise.all(teardowns.map((stop) => stop()));
  };
  const failures = started.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) {
    await teardown();
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'the test servers did not start');
  }
  return teardown;
}

async function startPostgres(project: TestProject): Promise<Teardown> {
  const external = process.env['TEST_DATABASE_URL'];
  if (external !== undefined && external !== '') {
    project.provide('postgresServerUrl', external);
    return async () => {};
  }
  const dataDirectory = mkdtempSync(join(tmpdir(), 'gasrapido-test-pg-'));
  const postgres = await startEmbeddedPostgres({ dataDirectory, port: await freePort(), ephemeral: true });
  project.provide('postgresServerUrl', postgres.serverUrl);
  return async () => {
    await postgres.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  };
}

async function startKafka(project: TestProject): Promise<Teardown> {
  const external = (process.env['TEST_KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  if (external.length > 0) {
    project.provide('kafkaBrokers', external);
    return async () => {};
  }
  try {
    const broker = await startKafkaBroker();
    project.provide('kafkaBrokers', [broker.bootstrap]);
    return () => broker.dispose();
  } catch (error) {
    throw new Error(
      'Could not start the test Kafka broker (scripts/kafka/kafka.sh, needs Java 17+ and, once, Maven; see docs/kafka.md). ' +
        'Set TEST_KAFKA_BROKERS to use a running broker instead.',
      { cause: error },
    );
  }
}
