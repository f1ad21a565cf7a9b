import { z } from 'zod';
import { env, parseEnvironment, subgraphEnvironmentShape, subgraphProcessSettings, identitySettings, type Environment, type IdentitySettings, type SubgraphProcessSettings } from '#kit';

export const INVITATIONS_DEFAULT_PORT = 4003;

const invitationsEnvironmentShape = {
  ...subgraphEnvironmentShape('INVITATIONS', INVITATIONS_DEFAULT_PORT),
  /** Code lookups plus failed claims one client address may make per minute. */
  INVITATIONS_CODE_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** How often the housekeeping jobs run: expiring invitations, releasing stale claims, purging counters. */
  INVITATIONS_EXPIRY_SWEEP_SECONDS: env.seconds(60),
  /** A claim whose account was never created (no user.created) gives its use back after this long. */
  INVITATIONS_CLAIM_TIMEOUT_SECONDS: env.seconds(600),
};

export interface InvitationsSettings {
  codeAttemptsPerMinute: number;
  expirySweepSeconds: number;
  claimTimeoutSeconds: number;
  /** The private-network credential callers of the internal claim routes present. */
  gatewaySecret: string;
}

export interface InvitationsProcessSettings extends SubgraphProcessSettings, IdentitySettings, InvitationsSettings {}

export function parseInvitationsSettings(environment: Environment): InvitationsProcessSettings {
  const parsed = parseEnvironment(invitationsEnvironmentShape, environment);
  return {
    ...subgraphProcessSettings('INVITATIONS', parsed),
    ...identitySettings(parsed),
    codeAttemptsPerMinute: parsed.INVITATIONS_CODE_ATTEMPTS_PER_MINUTE,
    expirySweepSeconds: parsed.INVITATIONS_EXPIRY_SWEEP_SECONDS,
    claimTimeoutSeconds: parsed.INVITATIONS_CLAIM_TIMEOUT_SECONDS,
  };
}
