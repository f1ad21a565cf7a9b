import { connection, decodeCursor, pageSize, type EventOrigin } from '#kit';
import { checkInvitationCode } from '../codes/code-check.js';
import type { InvitationRole } from '../database.js';
import type { CreateInvitationInput } from '../invitations/invitation-input.js';
import { managesInvitation } from '../invitations/invitation-policy.js';
import { invitationStatus, type InvitationStatus } from '../invitations/invitation-status.js';
import type { AcceptedUser, Invitation } from '../invitations/invitation-store.js';
import type { InvitationsContext } from './context.js';

interface ListArgs {
  first?: number | null;
  after?: string | null;
  status?: InvitationStatus | null;
  role?: InvitationRole | null;
}

/** Events caused by this request carry its correlation id. */
const origin = (context: InvitationsContext): EventOrigin => ({ source: 'invitations', correlationId: context.correlationId });

const visibleInvitation = async (id: string, context: InvitationsContext) =>
  context.service.visibleTo(context.viewer, await context.invitationById.load(id));

const user = (id: string) => ({ __typename: 'User', id });

export const resolvers = {
  Query: {
    invitations: async (_root: unknown, args: ListArgs, context: InvitationsContext) => {
      const first = pageSize(args.first);
      const after = args.after ? decodeCursor(args.after) : undefined;
      const page = await context.service.list(context.viewer, {
        first,
        ...(after ? { after } : {}),
        ...(args.status ? { status: args.status } : {}),
        ...(args.role ? { role: args.role } : {}),
      });
      return connection(page.invitations, page.hasNextPage, page.totalCount);
    },
    invitation: (_root: unknown, { id }: { id: string }, context: InvitationsContext) => visibleInvitation(id, context),
    invitationByCode: (_root: unknown, { code }: { code: string }, context: InvitationsContext) =>
      checkInvitationCode(code, context.clientAddress, context),
  },
  Mutation: {
    createInvitation: (_root: unknown, { input }: { input: CreateInvitationInput }, context: InvitationsContext) =>
      context.service.create(context.viewer, input, origin(context)),
    revokeInvitation: (_root: unknown, { id }: { id: string }, context: InvitationsContext) => context.service.revoke(context.viewer, id),
  },
  Invitation: {
    __resolveReference: (reference: { id: string }, context: InvitationsContext) => visibleInvitation(reference.id, context),
    recipient: (invitation: Invitation, _args: unknown, context: InvitationsContext) =>
      managesInvitation(context.viewer, invitation) ? invitation.recipient : null,
    status: (invitation: Invitation) => invitationStatus(invitation),
    expiresAt: (invitation: Invitation) => invitation.expiresAt.toISOString(),
    createdAt: (invitation: Invitation) => invitation.createdAt.toISOString(),
    revokedAt: (invitation: Invitation) => invitation.revokedAt?.toISOString() ?? null,
    invitedBy: (invitation: Invitation) => user(invitation.invitedBy),
    acceptances: (invitation: Invitation, _args: unknown, context: InvitationsContext) =>
      managesInvitation(context.viewer, invitation) ? context.acceptancesByInvitation.load(invitation.id) : null,
  },
  InvitationAcceptance: {
    user: (accepted: AcceptedUser) => user(accepted.userId),
    acceptedAt: (accepted: AcceptedUser) => accepted.acceptedAt.toISOString(),
  },
};
