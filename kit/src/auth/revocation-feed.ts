import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { EventData } from '../events/event-definition.js';
import { accessRevokedEvent } from './access-revocation-event.js';
import { parseEnvelope } from '../events/envelope.js';
import type { BusSubscription, EventBus, IncomingMessage } from '../events/event-bus.js';
import { AccessRevocations } from './access-revocations.js';

export interface RevocationFeedOptions {
  bus: EventBus;
  /** The longest an access token lives (ACCESS_TOKEN_TTL_SECONDS): how far back the feed replays. */
  accessTokenTtlSeconds: number;
  logger: Logger;
  /** start() rejects when the replay has not caught up within this time. Default 30 s. */
  catchUpTimeoutMs?: number;
  /** How often revocations whose tokens have all expired are forgotten. Default one minute. */
  pruneIntervalMs?: number;
}

export interface RevocationFeed {
  readonly revocations: AccessRevocations;
  stop(): Promise<void>;
}

/** Revocations published slightly before the replay window's start may still matter: clocks differ. */
const REPLAY_MARGIN_MS = 60_000;

/**
 * Keeps a process's AccessRevocations current from `user.access_revoked`
 * events. Its consumer group is unique to the process, so every instance of
 * every service hears every revocation (a shared group would split them). On
 * start it replays the last token lifetime of the topic, and resolves only
 * once it has caught up with what was published before it started: a service
 * that starts (or restarts) never accepts a token revoked while it was down.
 * No call to accounts is made per request.
 */
export async function startRevocationFeed(options: RevocationFeedOptions): Promise<RevocationFeed> {
  const { bus, logger } = options;
  const revocations = new AccessRevocations();
  const handle = async (message: IncomingMessage): Promise<void> => {
    const parsed = parseEnvelope(message.value);
    if (!parsed.ok || parsed.envelope.type !== accessRevokedEvent.type) return;
    const { envelope } = parsed;
    const checked = envelope.schemaVersion === accessRevokedEvent.version ? accessRevokedEvent.data.safeParse(envelope.data) : undefined;
    if (checked === undefined || !checked.success) {
      logger.error(
        { eventId: envelope.id, schemaVersion: envelope.schemaVersion },
        'an access revocation could not be read; it is not enforced here',
      );
      return;
    }
    const data: EventData<typeof accessRevokedEvent> = checked.data;
    revocations.record({
      userId: data.userId,
      reason: data.reason,
      accessVersion: data.accessVersion,
      revokedAt: new Date(data.revokedAt),
      tokensExpireBy: new Date(data.tokensExpireBy),
    });
  };
  const subscription: BusSubscription = await bus.subscribe({
    groupId: `access-revocations-${randomUUID()}`,
    topics: [accessRevokedEvent.topic],
    startAt: new Date(Date.now() - options.accessTokenTtlSeconds * 1000 - REPLAY_MARGIN_MS),
    // Never rejects: a message this process cannot read would not read better a second time.
    handle,
  });
  try {
    await caughtUp(subscription, options.catchUpTimeoutMs ?? 30_000);
  } catch (error) {
    await subscription.stop().catch(() => undefined);
    throw error;
  }
  logger.info({ known: revocations.size }, 'access revocations replayed');
  const pruning = setInterval(() => revocations.prune(), options.pruneIntervalMs ?? 60_000);
  pruning.unref();
  return {
    revocations,
    async stop() {
      clearInterval(pruning);
      await subscription.stop();
    },
  };
}

async function caughtUp(subscription: BusSubscription, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (subscription.lag() > 0) {
    if (Date.now() > deadline) throw new Error(`the access revocations were not replayed within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
