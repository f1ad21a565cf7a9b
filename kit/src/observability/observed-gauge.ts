import { Gauge, type Registry } from 'prom-client';

export interface GaugeSample<Label extends string> {
  labels: Readonly<Record<Label, string>>;
  value: number;
}

/** Reads current values at scrape time; may be async (a database count). */
export type GaugeSource<Label extends string> = () => readonly GaugeSample<Label>[] | Promise<readonly GaugeSample<Label>[]>;

/**
 * A gauge whose values are read from callbacks when Prometheus scrapes, not
 * pushed: consumer lag, open subscriptions, pool usage, circuit states. Each
 * scrape starts empty, so a removed source or a label that is gone leaves no
 * stale series; a source that throws, or takes longer than a second, is
 * skipped for that scrape so one stuck dependency cannot fail `/metrics`.
 */
export class ObservedGauge<Label extends string> {
  private readonly sources = new Set<GaugeSource<Label>>();

  constructor(registry: Registry, definition: { name: string; help: string; labelNames: readonly Label[] }) {
    const sources = this.sources;
    new Gauge<Label>({
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const reads = await Promise.allSettled([...sources].map((source) => withinScrapeTime(source)));
        for (const read of reads) {
          if (read.status !== 'fulfilled') continue;
          for (const sample of read.value) this.set(sample.labels as Partial<Record<Label, string>>, sample.value);
        }
      },
    });
  }

  /** Adds a source; the returned function removes it (call it when the observed thing stops). */
  observe(source: GaugeSource<Label>): () => void {
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
    };
  }
}

const sourceTimeoutMs = 1_000;

async function withinScrapeTime<Label extends string>(source: GaugeSource<Label>): Promise<readonly GaugeSample<Label>[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('gauge source timed out')), sourceTimeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(source), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
