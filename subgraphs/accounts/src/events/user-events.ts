import { z } from 'zod';
import { accessRevokedEvent, defineEvent } from '#kit';

/** accounts' topic: the kit's identity protocol fixes it, because every service reads access revocations from it. */
export const USER_TOPIC = accessRevokedEvent.topic;

export const roleSchema = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER', 'ADMIN']);
const userData = z.object({ userId: z.uuid(), roles: z.array(roleSchema), name: z.string() });

const user = { topic: USER_TOPIC, version: 1, producer: 'accounts', key: 'userId' } as const;

export const UserEvents = {
  created: defineEvent({ ...user, type: 'user.created', data: userData }),
  updated: defineEvent({
    ...user,
    type: 'user.updated',
    data: userData.extend({ changed: z.array(z.enum(['name', 'email', 'phone', 'roles', 'verified'])) }),
  }),
  deleted: defineEvent({ ...user, type: 'user.deleted', data: z.object({ userId: z.uuid(), roles: z.array(roleSchema) }) }),
  /** Defined by the kit (its identity protocol); accounts produces it. */
  accessRevoked: accessRevokedEvent,
} as const;
