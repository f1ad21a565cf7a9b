import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/kafka/kafka.sh', import.meta.url));

/** A single-node Kafka broker of scripts/kafka/kafka.sh, in a temporary directory of its own. */
export interface KafkaBroker {
  /** `127.0.0.1:<port>`; the same after stop() and start(). */
  readonly bootstrap: string;
  /** Stops the broker process and keeps its directory (data, ports). */
  stop(): Promise<void>;
  /** Starts it again on the same directory, so on the same port and with the same data. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops the broker and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * Makes sure the broker's jars are cached (`kafka.sh fetch`). The first run on
 * a machine downloads them from Maven Central, about a minute; then it is a no-op.
 * One line goes to stderr when a download actually starts.
 */
export function fetchKafka(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, 'fetch'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // kafka.sh fetch is silent when the cache is complete: output means it is downloading.
      if (output === '')
        process.stderr.write('kafka-broker: fetching Apache Kafka into the local cache (first run only, about a minute)\n');
      output += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`kafka.sh fetch failed (exit ${code}):\n${output}`));
    });
  });
}

/** Starts a broker in a new temporary directory; dispose() it after the tests. */
export async function startKafkaBroker(): Promise<KafkaBroker> {
  await fetchKafka();
  const directory = await mkdtemp(join(tmpdir(), 'gasrapido-test-kafka-'));
  let bootstrap: string;
  try {
    bootstrap = await firstStart(directory);
  } catch (error) {
    await runScript('stop', directory).catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const stop = async (): Promise<void> => {
    await runScript('stop', directory);
  };
  const start = async (): Promise<void> => {
    const address = await runScript('start', directory);
    if (address !== bootstrap) throw new Error(`the restarted broker listens on ${address}, not ${bootstrap}`);
  };
  return {
    bootstrap,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      try {
        await stop();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Starts a new directory's broker, trying up to three times: kafka.sh formats
 * the storage with a random cluster id, and one that starts with "-" is taken
 * for an option (about one start in 64 fails so); another try picks another id.
 */
async function firstStart(directory: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await runScript('start', directory);
    } catch (error) {
      const formatFailed = error instanceof Error && error.message.includes('formatting the KRaft storage');
      if (!formatFailed || attempt >= 3) throw error;
    }
  }
}

/** Runs `kafka.sh <command> <directory>` and returns its stdout (the bootstrap address for start). */
function runScript(command: 'start' | 'stop', directory: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [script, command, directory], { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`kafka.sh ${command} ${directory} failed: ${error.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}
