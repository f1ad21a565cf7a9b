import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { CodeAttemptLimiter } from '../codes/attempt-limiter.js';
import type { InvitationService } from '../invitations/invitation-service.js';
import type { AcceptedUser, Invitation, InvitationStore } from '../invitations/invitation-store.js';

export interface InvitationsContext extends RequestContext {
  readonly service: InvitationService;
  readonly invitations: InvitationStore;
  readonly limiter: CodeAttemptLimiter;
  /** Batches `_entities` lookups of invitations into one query per request. */
  readonly invitationById: DataLoader<string, Invitation | null>;
  /** Batches `Invitation.acceptances` across a page into one query. */
  readonly acceptancesByInvitation: DataLoader<string, AcceptedUser[]>;
}

export function invitationLoader(invitations: InvitationStore): DataLoader<string, Invitation | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await invitations.findByIds(ids)).map((invitation) => [invitation.id, invitation]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function acceptanceLoader(invitations: InvitationStore): DataLoader<string, AcceptedUser[]> {
  return new DataLoader(async (ids) => {
    const byInvitation = new Map<string, AcceptedUser[]>(ids.map((id) => [id, []]));
    for (const accepted of await invitations.acceptedUsers(ids)) byInvitation.get(accepted.invitationId)?.push(accepted);
    return ids.map((id) => byInvitation.get(id) ?? []);
  });
}
