/**
 * One load per key, shared by every caller that asks for it while it runs and
 * for `keepMs` after it settled. Subscribers of one event reach their load at
 * different moments (each stream loads in turn, under the gateway's limit on
 * concurrent loads), so the answer is kept a little while; the key names the
 * event, so nothing is reused for a later one.
 */
export class SharedLoads<T> {
  private readonly loads = new Map<string, Promise<T>>();

  constructor(private readonly keepMs: number) {}

  /** How many loads are held (running or kept). */
  get size(): number {
    return this.loads.size;
  }

  load(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.loads.get(key);
    if (running !== undefined) return running;
    const load = start();
    this.loads.set(key, load);
    const forget = () => {
      setTimeout(() => this.loads.delete(key), this.keepMs).unref();
    };
    load.then(forget, forget);
    return load;
  }
}
