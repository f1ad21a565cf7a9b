import { pendingEvent, type EventOrigin } from '#kit';
import { StoreEvents, type StoreSnapshot } from '../events/index.js';
import { storeSnapshot } from './store-snapshot.js';
import type { StoreChangeEvents } from './store-store.js';

/** Snapshot fields that say nothing on their own about what changed. */
const bookkeeping = new Set<keyof StoreSnapshot>(['revision', 'updatedAt']);

function changedFields(before: StoreSnapshot, after: StoreSnapshot): string[] {
  return (Object.keys(after) as Array<keyof StoreSnapshot>).filter(
    (field) => !bookkeeping.has(field) && JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
}

/**
 * The events of a store edit (saveStore, a licence): store.created the first time the store can
 * be judged (a new store, or a default store from the move to stores getting its address), then
 * store.updated naming the fields that changed. A store without an address publishes nothing.
 */
export function storeEditEvents(origin: EventOrigin, changedWithoutSnapshot: string[] = []): StoreChangeEvents {
  return (before, after, authorization) => {
    const snapshot = storeSnapshot(after, authorization);
    if (snapshot === null) return [];
    const previous = before === null ? null : storeSnapshot(before, authorization);
    if (previous === null) return [pendingEvent(StoreEvents.created, origin, after.id, snapshot)];
    const changed = [...new Set([...changedFields(previous, snapshot), ...changedWithoutSnapshot])];
    return [pendingEvent(StoreEvents.updated, origin, after.id, { ...snapshot, changed })];
  };
}

/** store.paused or store.resumed with the whole store; nothing for a store without an address. */
export function storePauseEvents(origin: EventOrigin, kind: 'paused' | 'resumed'): StoreChangeEvents {
  return (_before, after, authorization) => {
    const snapshot = storeSnapshot(after, authorization);
    if (snapshot === null) return [];
    return [pendingEvent(kind === 'paused' ? StoreEvents.paused : StoreEvents.resumed, origin, after.id, snapshot)];
  };
}
