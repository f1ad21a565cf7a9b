import { z } from 'zod';
import { defineSettings, env, setting, subgraphSettings, type Environment, type SettingsOf } from '#kit';

export const INVITATIONS_DEFAULT_PORT = 4003;

const invitationsOwnSettings = {
  codeAttemptsPerMinute: setting(
    'INVITATIONS_CODE_ATTEMPTS_PER_MINUTE',
    z.coerce.number().int().min(1).max(10_000).default(10),
    'Code lookups plus failed claims one client address may make per minute.',
  ),
  expirySweepSeconds: setting(
    'INVITATIONS_EXPIRY_SWEEP_SECONDS',
    env.seconds(60),
    'How often the housekeeping jobs run: expiring invitations (and publishing invitation.expired), releasing stale claims, purging counters.',
  ),
  claimTimeoutSeconds: setting(
    'INVITATIONS_CLAIM_TIMEOUT_SECONDS',
    env.seconds(600),
    'A claim whose account was never created (no user.created) gives its use back after this long.',
  ),
};

export type InvitationsSettings = SettingsOf<typeof invitationsOwnSettings> & {
  /** The private-network credential callers of the internal claim routes present. */
  gatewaySecret: string;
};

export const invitationsSettings = defineSettings({
  ...subgraphSettings('INVITATIONS', INVITATIONS_DEFAULT_PORT),
  ...invitationsOwnSettings,
});

export type InvitationsProcessSettings = SettingsOf<typeof invitationsSettings.group>;

export function parseInvitationsSettings(environment: Environment): InvitationsProcessSettings {
  return invitationsSettings.parse(environment);
}
