import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { CourierProfileService } from '../profiles/profile-service.js';
import type { CourierProfile, CourierProfileStore } from '../profiles/profile-store.js';

export interface CouriersContext extends RequestContext {
  readonly couriers: CourierProfileService;
  /** Batches `_entities` lookups and `User.courierProfile` into one query per request. */
  readonly profileByUserId: DataLoader<string, CourierProfile | null>;
}

export function profileLoader(profiles: CourierProfileStore): DataLoader<string, CourierProfile | null> {
  return new DataLoader(async (userIds) => {
    const found = new Map((await profiles.findByUserIds(userIds)).map((profile) => [profile.userId, profile]));
    return userIds.map((userId) => found.get(userId) ?? null);
  });
}
