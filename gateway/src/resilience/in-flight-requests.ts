/**
 * Identical requests in flight share one answer. The key must hold everything
 * the answer depends on, the caller's identity included: the data source keys
 * subgraph reads by URL, token and body, so two callers share a fetch only when
 * the subgraph could not tell them apart. Nothing is kept once the answer
 * arrives: this is not a cache, a request that starts after it is sent again.
 */
export class InFlightRequests<Answer> {
  private readonly pending = new Map<string, Promise<Answer>>();

  /** How many calls joined a request already in flight, for metrics. */
  joined = 0;

  run(key: string, send: () => Promise<Answer>): Promise<Answer> {
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) {
      this.joined += 1;
      return inFlight;
    }
    const answer = send().finally(() => this.pending.delete(key));
    this.pending.set(key, answer);
    return answer;
  }

  get size(): number {
    return this.pending.size;
  }
}
