import { isUuid, newestFirstPage, pageOf, recordEvents, type KeysetCursor, type PendingEvent } from '#kit';
import type {
  InvitationsDatabase,
  InvitationsTransaction,
  InvitationRole,
  InvitationRow,
  InviterRole,
  InvitationChannel,
  Prisma,
} from '../database.js';
import { InvitationStatus } from './invitation-status.js';

export type Invitation = InvitationRow;

export interface NewInvitation {
  id: string;
  codeHash: string;
  role: InvitationRole;
  channel: InvitationChannel;
  recipient: string;
  invitedBy: string;
  inviterRoles: InviterRole[];
  maxUses: number;
  expiresAt: Date;
}

export interface InvitationQuery {
  /** Only invitations this user created; absent for admins, who see all. */
  invitedBy?: string;
  status?: InvitationStatus;
  role?: InvitationRole;
  first: number;
  after?: KeysetCursor;
  /** The instant status filters are judged at. */
  now: Date;
}

export interface InvitationPage {
  invitations: Invitation[];
  hasNextPage: boolean;
  totalCount: number;
}

/** An invitation the expiry job has just marked, as invitation.expired reports it. */
export interface ExpiredInvitation {
  id: string;
  role: InvitationRole;
  invitedBy: string;
  uses: number;
  expiredAt: Date;
}

export interface AcceptedUser {
  invitationId: string;
  userId: string;
  acceptedAt: Date;
}

export interface InvitationStore {
  create(invitation: NewInvitation, events: (created: Invitation) => PendingEvent[]): Promise<Invitation>;
  findById(id: string): Promise<Invitation | null>;
  findByIds(ids: readonly string[]): Promise<Invitation[]>;
  findByCodeHash(codeHash: string): Promise<Invitation | null>;
  /** Has this user accepted (or is accepting) the invitation? Invitees may see the invitation they used. */
  isInvitee(invitationId: string, userId: string): Promise<boolean>;
  list(query: InvitationQuery): Promise<InvitationPage>;
  /** Sets revokedAt unless already set; null when there is no such invitation. */
  revoke(id: string): Promise<Invitation | null>;
  /** The accepted users of each invitation, oldest acceptance first. */
  acceptedUsers(invitationIds: readonly string[]): Promise<AcceptedUser[]>;
  /**
   * Marks up to `limit` invitations past their expiry as expired and writes
   * their events in the same transaction. Rows another instance is marking are
   * skipped, so each invitation expires once.
   */
  expireDue(limit: number, events: (expired: ExpiredInvitation[]) => PendingEvent[]): Promise<ExpiredInvitation[]>;
  /** user.deleted: the invitee's email or phone goes from every invitation they used. */
  eraseRecipientsOf(userId: string, transaction: InvitationsTransaction): Promise<number>;
  /** user.deleted: a deleted user's invitations can no longer be used. */
  revokeCreatedBy(userId: string, transaction: InvitationsTransaction): Promise<number>;
}

export function invitationStore(database: InvitationsDatabase): InvitationStore {
  const maxUses = database.invitation.fields.maxUses;
  const statusFilter = (status: InvitationStatus, now: Date): Prisma.InvitationWhereInput => {
    switch (status) {
      case InvitationStatus.REVOKED:
        return { revokedAt: { not: null } };
      case InvitationStatus.EXPIRED:
        return { revokedAt: null, expiresAt: { lte: now } };
      case InvitationStatus.EXHAUSTED:
        return { revokedAt: null, expiresAt: { gt: now }, uses: { gte: maxUses } };
      case InvitationStatus.ACTIVE:
        return { revokedAt: null, expiresAt: { gt: now }, uses: { lt: maxUses } };
    }
  };
  return {
    create: (invitation, events) =>
      database.$transaction(async (transaction) => {
        const created = await transaction.invitation.create({ data: invitation });
        await recordEvents(transaction, events(created));
        return created;
      }),
    findById: async (id) => (isUuid(id) ? database.invitation.findUnique({ where: { id } }) : null),
    findByIds: (ids) => database.invitation.findMany({ where: { id: { in: ids.filter(isUuid) } } }),
    findByCodeHash: (codeHash) => database.invitation.findUnique({ where: { codeHash } }),
    async isInvitee(invitationId, userId) {
      const acceptance = await database.invitationAcceptance.findUnique({ where: { userId }, select: { invitationId: true } });
      return acceptance?.invitationId === invitationId;
    },
    async list(query) {
      const filter: Prisma.InvitationWhereInput = {
        ...(query.invitedBy === undefined ? {} : { invitedBy: query.invitedBy }),
        ...(query.role === undefined ? {} : { role: query.role }),
        ...(query.status === undefined ? {} : statusFilter(query.status, query.now)),
      };
      const [rows, totalCount] = await Promise.all([
        database.invitation.findMany(newestFirstPage(filter, query.after, query.first)),
        database.invitation.count({ where: filter }),
      ]);
      const { nodes, hasNextPage } = pageOf(rows, query.first);
      return { invitations: nodes, hasNextPage, totalCount };
    },
    async revoke(id) {
      if (!isUuid(id)) return null;
      // Conditional, so a second revocation keeps the first one's time.
      await database.invitation.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      return database.invitation.findUnique({ where: { id } });
    },
    acceptedUsers: (invitationIds) =>
      database.invitationAcceptance
        .findMany({
          where: { invitationId: { in: invitationIds.filter(isUuid) }, status: 'ACCEPTED' },
          orderBy: [{ acceptedAt: 'asc' }, { userId: 'asc' }],
        })
        .then((rows) =>
          rows.map((row) => ({ invitationId: row.invitationId, userId: row.userId, acceptedAt: row.acceptedAt ?? row.claimedAt })),
        ),
    expireDue: (limit, events) =>
      database.$transaction(async (transaction) => {
        const rows = await transaction.$queryRaw<
          Array<{ id: string; role: InvitationRole; invited_by: string; uses: number; expired_at: Date }>
        >`
          update invitations set expired_at = now()
          where expired_at is null and id in (
            select id from invitations
            where expired_at is null and revoked_at is null and expires_at <= now()
            order by expires_at
            limit ${limit}
            for update skip locked
          )
          returning id, role::text as role, invited_by, uses, expired_at`;
        const expired = rows.map((row) => ({
          id: row.id,
          role: row.role,
          invitedBy: row.invited_by,
          uses: row.uses,
          expiredAt: row.expired_at,
        }));
        await recordEvents(transaction, events(expired));
        return expired;
      }),
    eraseRecipientsOf: (userId, transaction) =>
      transaction.$executeRaw`
        update invitations set recipient = null
        where recipient is not null and id in (select invitation_id from invitation_acceptances where user_id = ${userId}::uuid)`,
    revokeCreatedBy: (userId, transaction) =>
      transaction.$executeRaw`
        update invitations set revoked_at = now()
        where invited_by = ${userId}::uuid and revoked_at is null and expires_at > now()`,
  };
}
