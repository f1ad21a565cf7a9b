import { openingState, type OpeningState } from '#kit';
import type { Store } from './store.js';

const HOUR = 3_600_000;

interface Remembered {
  state: OpeningState;
  computedAt: number;
  validUntil: number;
}

/**
 * Whether stores are open, remembered until it next changes. Judging a schedule reads the wall
 * clock of two weeks of openings (about a fifth of a millisecond a store, warm), and storesNear
 * judges every store covering a point on every call; the answer only changes at the store's next
 * opening or closing, or when the store changes (a new revision). Bounded: emptied when full.
 */
export class OpeningHoursMemo {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly capacity = 50_000) {}

  stateOf(store: Store, at: Date): OpeningState {
    const key = `${store.id}:${store.revision}`;
    const now = at.getTime();
    const known = this.remembered.get(key);
    if (known !== undefined && now >= known.computedAt && now < known.validUntil) return known.state;
    const state = openingState({ timeZone: store.timeZone, weekly: store.openingHours, exceptions: store.exceptions }, at);
    // Beyond the two weeks openingState looks ahead, look again within the hour.
    const change = (state.open ? state.closesAt : state.nextOpensAt)?.getTime() ?? now + HOUR;
    if (this.remembered.size >= this.capacity) this.remembered.clear();
    this.remembered.set(key, { state, computedAt: now, validUntil: Math.min(change, now + HOUR) });
    return state;
  }
}
