import type { InvitationsDatabase, InvitationsTransaction, InvitationRole, InvitationRow } from '../database.js';

/** Why a code cannot be claimed; the order of the checks is the order of this list. */
export const ClaimRefusal = {
  UNKNOWN: 'UNKNOWN',
  REVOKED: 'REVOKED',
  EXPIRED: 'EXPIRED',
  EXHAUSTED: 'EXHAUSTED',
  ROLE_MISMATCH: 'ROLE_MISMATCH',
} as const;

export type ClaimRefusal = (typeof ClaimRefusal)[keyof typeof ClaimRefusal];

/** A use taken by a registration that has not finished yet. */
export interface Claim {
  invitationId: string;
  role: InvitationRole;
  invitedBy: string;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'refused'; reason: ClaimRefusal; role?: InvitationRole }
  /** The user id already holds a claim on another invitation. */
  | { kind: 'conflict' };

export interface ClaimStore {
  /**
   * Takes one use of the invitation with this code hash for a user being
   * registered in `role`. Claiming again for the same user and code returns the
   * first claim, so a caller may retry.
   */
  claim(codeHash: string | undefined, userId: string, role: InvitationRole): Promise<ClaimOutcome>;
  /** Gives a PENDING claim's use back; false when the user had none. */
  release(userId: string): Promise<boolean>;
  /** Releases up to `limit` PENDING claims older than `olderThanSeconds`; returns how many. */
  releaseStale(olderThanSeconds: number, limit: number): Promise<number>;
  /** user.created: the user's PENDING claim becomes ACCEPTED; null when there was none. */
  accept(userId: string, transaction: InvitationsTransaction): Promise<{ invitation: InvitationRow; acceptedAt: Date } | null>;
}

/** Thrown inside the claim's transaction to undo its use: the same user claimed concurrently. */
class ConcurrentClaim extends Error {}

interface TakenRow {
  id: string;
  role: InvitationRole;
  invited_by: string;
}

export function claimStore(database: InvitationsDatabase): ClaimStore {
  const claimed = (row: TakenRow): ClaimOutcome => ({
    kind: 'claimed',
    claim: { invitationId: row.id, role: row.role, invitedBy: row.invited_by },
  });

  /** The user's earlier claim, judged against this attempt: a retry gets the same answer. */
  async function earlierClaim(userId: string, codeHash: string, role: InvitationRole): Promise<ClaimOutcome | undefined> {
    const previous = await database.invitationAcceptance.findUnique({ where: { userId }, include: { invitation: true } });
    if (previous === null) return undefined;
    const invitation = previous.invitation;
    if (invitation.codeHash !== codeHash) return { kind: 'conflict' };
    if (invitation.role !== role) return { kind: 'refused', reason: ClaimRefusal.ROLE_MISMATCH, role: invitation.role };
    return claimed({ id: invitation.id, role: invitation.role, invited_by: invitation.invitedBy });
  }

  /** After the conditional update matched nothing: one read, on the database's clock, says why. */
  async function refusal(codeHash: string, role: InvitationRole): Promise<ClaimOutcome> {
    const [row] = await database.$queryRaw<Array<{ role: InvitationRole; revoked: boolean; expired: boolean; exhausted: boolean }>>`
      select role::text as role, revoked_at is not null as revoked, expires_at <= now() as expired, uses >= max_uses as exhausted
      from invitations where code_hash = ${codeHash}`;
    if (row === undefined) return { kind: 'refused', reason: ClaimRefusal.UNKNOWN };
    if (row.revoked) return { kind: 'refused', reason: ClaimRefusal.REVOKED };
    if (row.expired) return { kind: 'refused', reason: ClaimRefusal.EXPIRED };
    if (row.exhausted) return { kind: 'refused', reason: ClaimRefusal.EXHAUSTED };
    if (row.role !== role) return { kind: 'refused', reason: ClaimRefusal.ROLE_MISMATCH, role: row.role };
    // Claimable again by now: a use was released between the update and this read.
    return { kind: 'refused', reason: ClaimRefusal.EXHAUSTED };
  }

  return {
    async claim(codeHash, userId, role) {
      if (codeHash === undefined) return { kind: 'refused', reason: ClaimRefusal.UNKNOWN };
      const earlier = await earlierClaim(userId, codeHash, role);
      if (earlier !== undefined) return earlier;
      try {
        const taken = await database.$transaction(async (transaction) => {
          // One conditional update takes the use: of claims racing for the last one, exactly one matches.
          const [row] = await transaction.$queryRaw<TakenRow[]>`
            update invitations set uses = uses + 1
            where code_hash = ${codeHash} and role = ${role}::"InvitationRole"
              and revoked_at is null and expires_at > now() and uses < max_uses
            returning id, role::text as role, invited_by`;
          if (row === undefined) return undefined;
          const inserted = await transaction.$executeRaw`
            insert into invitation_acceptances (user_id, invitation_id) values (${userId}::uuid, ${row.id}::uuid)
            on conflict (user_id) do nothing`;
          if (inserted === 0) throw new ConcurrentClaim();
          return row;
        });
        if (taken !== undefined) return claimed(taken);
      } catch (error) {
        if (!(error instanceof ConcurrentClaim)) throw error;
        return (await earlierClaim(userId, codeHash, role)) ?? { kind: 'conflict' };
      }
      return refusal(codeHash, role);
    },
    async release(userId) {
      const released = await database.$queryRaw<Array<{ id: string }>>`
        with released as (
          delete from invitation_acceptances where user_id = ${userId}::uuid and status = 'PENDING' returning invitation_id
        )
        update invitations set uses = invitations.uses - 1 from released where invitations.id = released.invitation_id
        returning invitations.id`;
      return released.length > 0;
    },
    async releaseStale(olderThanSeconds, limit) {
      // Claims being accepted or released elsewhere are locked: skip them rather than wait or release twice.
      const rows = await database.$queryRaw<Array<{ released: number }>>`
        with stale as (
          select user_id from invitation_acceptances
          where status = 'PENDING' and claimed_at < now() - make_interval(secs => ${olderThanSeconds})
          order by claimed_at
          limit ${limit}
          for update skip locked
        ), released as (
          delete from invitation_acceptances a using stale where a.user_id = stale.user_id returning a.invitation_id
        ), counts as (
          select invitation_id, count(*)::int as released from released group by invitation_id
        )
        update invitations set uses = invitations.uses - counts.released from counts where invitations.id = counts.invitation_id
        returning counts.released`;
      return rows.reduce((total, row) => total + row.released, 0);
    },
    async accept(userId, transaction) {
      const [row] = await transaction.$queryRaw<Array<{ invitation_id: string; accepted_at: Date }>>`
        update invitation_acceptances set status = 'ACCEPTED', accepted_at = now()
        where user_id = ${userId}::uuid and status = 'PENDING'
        returning invitation_id, accepted_at`;
      if (row === undefined) return null;
      const invitation = await transaction.invitation.findUniqueOrThrow({ where: { id: row.invitation_id } });
      return { invitation, acceptedAt: row.accepted_at };
    },
  };
}
