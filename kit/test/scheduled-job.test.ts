import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startScheduledJobs } from '../src/scheduled-job.js';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startScheduledJobs', () => {
  it('runs a job again and again, never two runs at once', async () => {
    const { logger } = capturingLogger();
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const jobs = startScheduledJobs(
      [
        {
          name: 'slow',
          intervalMs: 5,
          run: async () => {
            running += 1;
            if (running > 1) overlapped = true;
            await sleep(20);
            running -= 1;
            runs += 1;
          },
        },
      ],
      logger,
    );
    await sleep(150);
    await jobs.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(overlapped).toBe(false);
  });

  it('logs a failed run and keeps the schedule', async () => {
    const { lines, logger } = capturingLogger();
    let attempts = 0;
    const jobs = startScheduledJobs(
      [
        {
          name: 'flaky',
          intervalMs: 5,
          run: async () => {
            attempts += 1;
            if (attempts === 1) throw new Error('database away');
          },
        },
      ],
      logger,
    );
    await sleep(80);
    await jobs.stop();
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line['job'] === 'flaky' && line['level'] === 'error')).toBe(true);
  });

  it('waits for the run in progress when stopped, and schedules nothing after', async () => {
    const { logger } = capturingLogger();
    let finished = 0;
    let started = 0;
    const jobs = startScheduledJobs(
      [
        {
          name: 'long',
          intervalMs: 1,
          run: async () => {
            started += 1;
            await sleep(40);
            finished += 1;
          },
        },
      ],
      logger,
    );
    await sleep(15);
    await jobs.stop();
    expect(finished).toBe(started);
    const startedAtStop = started;
    await sleep(30);
    expect(started).toBe(startedAtStop);
  });
});
