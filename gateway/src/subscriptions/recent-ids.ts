/**
 * Remembers the last `capacity` ids seen, oldest forgotten first. The bus
 * delivers at least once, so the same envelope can arrive twice (a consumer
 * restart, a rebalance); a client should see it once.
 */
export class RecentIds {
  // A Set iterates in insertion order, which makes it a small LRU.
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** True the first time an id is seen (and records it); false for a repeat. */
  firstSighting(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
    return true;
  }
}
