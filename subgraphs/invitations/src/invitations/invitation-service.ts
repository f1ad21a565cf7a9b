import { randomUUID } from 'node:crypto';
import { hasRole, notFound, requireViewer, Role, type EventOrigin, type KeysetCursor, type Viewer } from '#kit';
import type { InvitationRole, InviterRole } from '../database.js';
import { issueInvitationCode, type IssuedCode } from '../codes/invitation-code.js';
import { invitationCreatedEvent } from './invitation-events.js';
import { validateInvitationInput, type CreateInvitationInput } from './invitation-input.js';
import { authoriseInvitation, managesInvitation } from './invitation-policy.js';
import type { InvitationStatus } from './invitation-status.js';
import type { Invitation, InvitationPage, InvitationStore } from './invitation-store.js';

export interface CreatedInvitation {
  invitation: Invitation;
  /** Shown once, to the creator; afterwards only its hash exists (and the event that delivers it). */
  code: string;
}

export interface InvitationListing {
  status?: InvitationStatus;
  role?: InvitationRole;
  first: number;
  after?: KeysetCursor;
}

const HOUR_MS = 60 * 60 * 1000;

/** The invitations' write side and who may see what. */
export class InvitationService {
  constructor(
    private readonly invitations: InvitationStore,
    private readonly issueCode: () => IssuedCode = issueInvitationCode,
  ) {}

  async create(viewer: Viewer | null, input: CreateInvitationInput, origin: EventOrigin): Promise<CreatedInvitation> {
    const actor = requireViewer(viewer);
    authoriseInvitation(actor, input.role);
    const valid = validateInvitationInput(input);
    const { code, codeHash } = this.issueCode();
    const invitation = await this.invitations.create(
      {
        id: randomUUID(),
        codeHash,
        role: valid.role,
        channel: valid.channel,
        recipient: valid.recipient,
        invitedBy: actor.userId,
        // The roles the inviter acted with: an admin's counts only with a second factor.
        inviterRoles: actor.roles.filter((role) => hasRole(actor, role)) as InviterRole[],
        maxUses: valid.maxUses,
        expiresAt: new Date(Date.now() + valid.expiresInHours * HOUR_MS),
      },
      invitationCreatedEvent(origin, code),
    );
    return { invitation, code };
  }

  /** Creator or admin; anyone else is told it does not exist, so ids reveal nothing. */
  async revoke(viewer: Viewer | null, id: string): Promise<Invitation> {
    const actor = requireViewer(viewer);
    const invitation = await this.invitations.findById(id);
    if (invitation === null || !managesInvitation(actor, invitation)) throw notFound('Invitation');
    const revoked = await this.invitations.revoke(id);
    if (revoked === null) throw notFound('Invitation');
    return revoked;
  }

  /** Admins list every invitation; anyone else the ones they created. */
  list(viewer: Viewer | null, listing: InvitationListing): Promise<InvitationPage> {
    const actor = requireViewer(viewer);
    return this.invitations.list({
      ...listing,
      ...(hasRole(actor, Role.ADMIN) ? {} : { invitedBy: actor.userId }),
      now: new Date(),
    });
  }

  /**
   * Whether the viewer may see this invitation at all: its creator and admins,
   * and the user who accepted it (who sees it without its recipient).
   */
  async visibleTo(viewer: Viewer | null, invitation: Invitation | null): Promise<Invitation | null> {
    if (invitation === null || viewer === null) return null;
    if (managesInvitation(viewer, invitation)) return invitation;
    return (await this.invitations.isInvitee(invitation.id, viewer.userId)) ? invitation : null;
  }
}
