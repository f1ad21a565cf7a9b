import { randomUUID } from 'node:crypto';
import { forbidden, hasRole, invalidInput, notFound, requireRole, requireViewer, Role, type EventOrigin, type Viewer } from '#kit';
import { productErrors } from '../errors.js';
import type { ProductStore } from '../catalog/product-store.js';
import { validateStoreInput, type SaveStoreInput } from './store-input.js';
import { storeEditEvents, storePauseEvents } from './store-change-events.js';
import type { StoreStore } from './store-store.js';
import type { Store } from './store.js';
import { pausedAt } from '../events/index.js';

const MAX_PAUSE_REASON = 200;

/** May this viewer change the store, or see what only its owner sees (why it is closed, auto-accept)? */
export function managesStore(viewer: Viewer | null, store: Pick<Store, 'supplierId'>): boolean {
  return viewer !== null && (viewer.userId === store.supplierId || hasRole(viewer, Role.ADMIN));
}

/** Stores' write side: who may change a store, and the rules it obeys. */
export class StoreService {
  constructor(
    private readonly stores: StoreStore,
    private readonly products: ProductStore,
  ) {}

  /** Creates a store (no id) or replaces everything its owner states about it. */
  async save(viewer: Viewer | null, input: SaveStoreInput, origin: EventOrigin): Promise<Store> {
    const actor = requireRole(viewer, Role.SUPPLIER, Role.ADMIN);
    const isAdmin = hasRole(actor, Role.ADMIN);
    const fields = validateStoreInput(input);
    if (input.id === null || input.id === undefined) {
      if (input.supplierId && !isAdmin && input.supplierId !== actor.userId) {
        throw forbidden('Suppliers can only open their own stores; leave supplierId out.');
      }
      const supplierId = input.supplierId ?? (hasRole(actor, Role.SUPPLIER) ? actor.userId : undefined);
      if (supplierId === undefined) throw invalidInput([{ field: 'input.supplierId', message: 'is required when an admin opens a store' }]);
      return this.stores.create({ id: randomUUID(), supplierId, ...fields }, storeEditEvents(origin));
    }
    const existing = await this.requireManaged(actor, input.id);
    if (input.supplierId && input.supplierId !== existing.supplierId) {
      throw invalidInput([{ field: 'input.supplierId', message: 'cannot change: a store stays with its supplier' }]);
    }
    const saved = await this.stores.update(
      input.id,
      async (before) => {
        if (fields.brand !== null && fields.brand !== before.brand) {
          const others = await this.products.idsInStoreNotOfBrand(before.id, fields.brand);
          if (others.length > 0) {
            throw productErrors.error(
              'STORE_BRAND_RESTRICTED',
              `A store tied to ${fields.brand} lists only ${fields.brand}; ${others.length} of its products are of another brand. Change or remove them first.`,
              { storeBrand: fields.brand, productIds: others },
            );
          }
        }
        return { fields };
      },
      storeEditEvents(origin),
    );
    if (saved === null) throw notFound('Store');
    return saved;
  }

  /** Stops taking orders until `until` (then the pause lifts by itself) or until resumeStore. */
  async pause(viewer: Viewer | null, storeId: string, until: Date | null, reason: string | null, origin: EventOrigin): Promise<Store> {
    const actor = requireViewer(viewer);
    const problems = [];
    const now = new Date();
    if (until !== null && until.getTime() <= now.getTime()) problems.push({ field: 'until', message: 'must be in the future' });
    const tidied = reason === null ? null : reason.trim().replace(/\s+/g, ' ');
    if (tidied !== null && tidied.length > MAX_PAUSE_REASON)
      problems.push({ field: 'reason', message: `must be at most ${MAX_PAUSE_REASON} characters` });
    if (problems.length > 0) throw invalidInput(problems);
    await this.requireManaged(actor, storeId);
    const paused = await this.stores.update(
      storeId,
      (before) => {
        if (before.address === null) {
          throw productErrors.error(
            'STORE_SETUP_REQUIRED',
            'This store has no address yet and takes no orders: complete it with saveStore first.',
            {
              storeId,
            },
          );
        }
        return { pause: { reason: tidied === '' ? null : tidied, since: now, until } };
      },
      storePauseEvents(origin, 'paused'),
    );
    if (paused === null) throw notFound('Store');
    return paused;
  }

  /** Lifts a pause; a store that is not paused (or whose pause lifted itself) is returned unchanged. */
  async resume(viewer: Viewer | null, storeId: string, origin: EventOrigin): Promise<Store> {
    const actor = requireViewer(viewer);
    await this.requireManaged(actor, storeId);
    const resumed = await this.stores.update(
      storeId,
      (before) => {
        const holds =
          before.pause !== null &&
          pausedAt(
            { reason: before.pause.reason, since: before.pause.since.toISOString(), until: before.pause.until?.toISOString() ?? null },
            new Date(),
          );
        return holds ? { pause: null } : null;
      },
      storePauseEvents(origin, 'resumed'),
    );
    if (resumed === null) throw notFound('Store');
    return resumed;
  }

  private async requireManaged(actor: Viewer, storeId: string): Promise<Store> {
    const store = await this.stores.findById(storeId);
    // An inactive store is invisible to everyone but its owner and admins: FORBIDDEN would tell
    // another supplier that it exists.
    if (store === null || (!store.active && !managesStore(actor, store))) throw notFound('Store');
    if (!managesStore(actor, store)) throw forbidden('Only the store’s supplier or an admin may change it.');
    return store;
  }
}
