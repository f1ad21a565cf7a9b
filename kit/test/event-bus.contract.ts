import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusSubscription, EventBus, IncomingMessage, OutgoingMessage } from '../src/events/event-bus.js';

export interface BusUnderTest {
  bus: EventBus;
  /** Runs after the bus is closed. */
  cleanup?: () => Promise<void>;
}

/**
 * The semantics of kit/src/events/event-bus.ts, for every implementation.
 * Each test uses topics and groups of its own, so tests never see each
 * other's messages even on a shared broker.
 */
export function describeEventBusContract(name: string, makeBus: () => Promise<BusUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ bus, cleanup } = await makeBus());
    });

    afterEach(async () => {
      await bus.close();
      await cleanup?.();
    });

    it('delivers the key, value and headers a message was published with', async () => {
      const topic = uniqueName('topic');
      const received: IncomingMessage[] = [];
      await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], handle: record(received) });
      const value = JSON.stringify({ total: '12.50', note: 'entrega rápida ✓' });
      const headers = { 'content-type': 'application/json', 'x-correlation-id': 'c0ffee-01', 'x-empty': '' };
      await bus.publish([
        { topic, key: 'order-1', value, headers },
        { topic, key: 'order-1', value: 'second' },
      ]);

      await waitFor(() => received.length >= 2, 'both messages');
      const [first, second] = received;
      expect(first).toMatchObject({ topic, key: 'order-1', value });
      expect(first!.headers).toEqual(headers);
      expect(first!.offset).toMatch(/^\d+$/);
      expect(Number.isInteger(first!.partition)).toBe(true);
      expect(second).toMatchObject({ topic, key: 'order-1', value: 'second', headers: {} });
      expect(BigInt(second!.offset)).toBeGreaterThan(BigInt(first!.offset));
    });

    it("keeps each key's messages in publish order, one at a time, across many interleaved keys", async () => {
      const topic = uniqueName('topic');
      const keys = Array.from({ length: 20 }, (_, index) => `cylinder-${index}`);
      const perKey = new Map<string, number[]>(keys.map((key) => [key, []]));
      const busy = new Set<string>();
      let overlaps = 0;
      const subscription = await bus.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        handle: async (message) => {
          const key = message.key!;
          if (busy.has(key)) overlaps += 1;
          busy.add(key);
          if (Number(message.value) % 3 === 0) await sleep(1);
          perKey.get(key)!.push(Number(message.value));
          busy.delete(key);
        },
      });
      for (let round = 0; round < 20; round += 1) {
        await bus.publish(keys.map((key) => ({ topic, key, value: String(round) })));
      }

      await waitFor(() => total(perKey) >= 400 && subscription.lag() === 0, 'all 400 messages handled');
      const inOrder = Array.from({ length: 20 }, (_, index) => index);
      for (const key of keys) expect(perKey.get(key), key).toEqual(inOrder);
      expect(overlaps).toBe(0);
    });

    it('gives every group every message', async () => {
      const topic = uniqueName('topic');
      const messages = keyed(topic, 30, 5);
      const first: IncomingMessage[] = [];
      const second: IncomingMessage[] = [];
      const subscriptions = [
        await bus.subscribe({ groupId: uniqueName('billing'), topics: [topic], handle: record(first) }),
        await bus.subscribe({ groupId: uniqueName('notifications'), topics: [topic], handle: record(second) }),
      ];
      await bus.publish(messages);

      await waitFor(() => first.length >= 30 && second.length >= 30 && allCaughtUp(subscriptions), 'both groups caught up');
      const expected = messages.map((message) => message.value).sort();
      expect(values(first).sort()).toEqual(expected);
      expect(values(second).sort()).toEqual(expected);
    });

    it("splits a group's messages between its members, each message to exactly one of them", async () => {
      const topic = uniqueName('topic');
      const groupId = uniqueName('group');
      const first: IncomingMessage[] = [];
      const second: IncomingMessage[] = [];
      const members = [
        await bus.subscribe({ groupId, topics: [topic], handle: record(first) }),
        await bus.subscribe({ groupId, topics: [topic], handle: record(second) }),
      ];
      const messages = keyed(topic, 60, 12);
      await bus.publish(messages);

      await waitFor(() => first.length + second.length >= 60 && allCaughtUp(members), 'the group caught up');
      expect([...values(first), ...values(second)].sort()).toEqual(messages.map((message) => message.value).sort());
      expect(first.length).toBeGreaterThan(0);
      expect(second.length).toBeGreaterThan(0);
      // In a stable group a key belongs to one member, which is what keeps it in order.
      const firstKeys = new Set(first.map((message) => message.key));
      expect(second.filter((message) => firstKeys.has(message.key))).toEqual([]);
    });

    it('delivers a rejected message again after a pause, and holds back the later messages of its key', async () => {
      const topic = uniqueName('topic');
      const calls: Array<{ message: IncomingMessage; at: number }> = [];
      let failures = 0;
      const subscription = await bus.subscribe({
        groupId: uniqueName('group'),
        topics: [topic],
        handle: async (message) => {
          calls.push({ message, at: performance.now() });
          if (message.value === 'b' && failures < 2) {
            failures += 1;
            throw new Error('the database is briefly unavailable');
          }
        },
      });
      await bus.publish(['a', 'b', 'c'].map((value) => ({ topic, key: 'order-7', value, headers: { attempt: 'first' } })));

      await waitFor(() => calls.some((call) => call.message.value === 'c') && subscription.lag() === 0, 'c handled');
      expect(calls.map((call) => call.message.value)).toEqual(['a', 'b', 'b', 'b', 'c']);
      const attempts = calls.filter((call) => call.message.value === 'b');
      for (const attempt of attempts) expect(attempt.message).toEqual(attempts[0]!.message);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(20);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(20);
    });

    it('starts a new group at the oldest message with fromBeginning, and at new messages without it', async () => {
      const topic = uniqueName('topic');
      const message = (value: string): OutgoingMessage => ({ topic, key: 'station-1', value });
      await bus.publish([message('old-1'), message('old-2')]);
      const replaying: IncomingMessage[] = [];
      const live: IncomingMessage[] = [];
      const liveGroup = uniqueName('live');
      const replay = await bus.subscribe({
        groupId: uniqueName('replay'),
        topics: [topic],
        fromBeginning: true,
        handle: record(replaying),
      });
      const current = await bus.subscribe({ groupId: liveGroup, topics: [topic], handle: record(live) });
      await bus.publish([message('new-1')]);

      await waitFor(() => replaying.length >= 3 && live.length >= 1 && allCaughtUp([replay, current]), 'both groups caught up');
      expect(values(replaying)).toEqual(['old-1', 'old-2', 'new-1']);
      expect(values(live)).toEqual(['new-1']);

      // fromBeginning only applies to a new group: an existing one carries on where it was.
      await current.stop();
      const rejoined = await bus.subscribe({ groupId: liveGroup, topics: [topic], fromBeginning: true, handle: record(live) });
      await bus.publish([message('new-2')]);
      await waitFor(() => live.length >= 2 && rejoined.lag() === 0, 'the rejoined member caught up');
      expect(values(live)).toEqual(['new-1', 'new-2']);
    });

    it('starts a new group at the first message published at or after startAt, on every partition', async () => {
      const topic = uniqueName('topic');
      await bus.publish([
        { topic, key: 'station-1', value: 'old-1' },
        { topic, key: 'station-2', value: 'old-2' },
      ]);
      await sleep(50);
      const startAt = new Date();
      await sleep(50);
      await bus.publish([
        { topic, key: 'station-1', value: 'recent-1' },
        { topic, key: 'station-2', value: 'recent-2' },
      ]);
      const received: IncomingMessage[] = [];
      const subscription = await bus.subscribe({ groupId: uniqueName('window'), topics: [topic], startAt, handle: record(received) });
      await bus.publish([{ topic, key: 'station-1', value: 'new-1' }]);

      await waitFor(() => received.length >= 3 && subscription.lag() === 0, 'the window and the new message');
      expect(values(received).sort()).toEqual(['new-1', 'recent-1', 'recent-2']);
    });

    it('stop() lets the message in progress finish, and the next member resumes right after it', async () => {
      const topic = uniqueName('topic');
      const groupId = uniqueName('group');
      const events: string[] = [];
      const release = deferred();
      let blocked = false;
      const stopping = await bus.subscribe({
        groupId,
        topics: [topic],
        handle: async (message) => {
          if (message.value === 'm3') {
            blocked = true;
            await release.promise;
          }
          events.push(`handled ${message.value}`);
        },
      });
      const sent = Array.from({ length: 10 }, (_, index) => `m${index}`);
      await bus.publish(sent.map((value) => ({ topic, key: 'delivery-9', value })));
      await waitFor(() => blocked, 'the handler of m3 to start');

      const stopped = stopping.stop().then(() => events.push('stopped'));
      // A negative check needs a little time: stop() must still be waiting for m3's handler.
      await sleep(200);
      expect(events).not.toContain('stopped');
      release.resolve();
      await stopped;
      expect(events).toEqual(['handled m0', 'handled m1', 'handled m2', 'handled m3', 'stopped']);

      const next: IncomingMessage[] = [];
      const successor = await bus.subscribe({ groupId, topics: [topic], handle: record(next) });
      await bus.publish([{ topic, key: 'delivery-9', value: 'm10' }]);
      await waitFor(() => values(next).includes('m10') && successor.lag() === 0, 'the successor caught up');
      expect(values(next)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
    });

    it('stop() does not acknowledge a message whose handler fails meanwhile: the next member gets it', async () => {
      const topic = uniqueName('topic');
      const groupId = uniqueName('group');
      const handled: string[] = [];
      const release = deferred();
      let blocked = false;
      const first = await bus.subscribe({
        groupId,
        topics: [topic],
        handle: async (message) => {
          if (message.value === 'm2') {
            blocked = true;
            await release.promise;
            throw new Error('the push gateway went away');
          }
          handled.push(message.value!);
        },
      });
      await bus.publish(['m0', 'm1', 'm2', 'm3', 'm4'].map((value) => ({ topic, key: 'delivery-3', value })));
      await waitFor(() => blocked, 'the handler of m2 to start');
      const stopped = first.stop();
      release.resolve();
      await stopped;
      expect(handled).toEqual(['m0', 'm1']);

      const next: IncomingMessage[] = [];
      const successor = await bus.subscribe({ groupId, topics: [topic], handle: record(next) });
      await waitFor(() => next.length >= 3 && successor.lag() === 0, 'the successor caught up');
      expect(values(next)).toEqual(['m2', 'm3', 'm4']);
    });

    it('lag() counts the messages not yet handled, and drops to 0 once they are', async () => {
      const topic = uniqueName('topic');
      const release = deferred();
      const subscription = await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], handle: () => release.promise });
      expect(subscription.lag()).toBe(0);
      await bus.publish(keyed(topic, 5, 1));

      await waitFor(
        () => subscription.lag() === 5,
        'lag() to report the 5 waiting messages',
        () => `lag() = ${subscription.lag()}`,
      );
      release.resolve();
      await waitFor(
        () => subscription.lag() === 0,
        'lag() to drop to 0',
        () => `lag() = ${subscription.lag()}`,
      );
    });

    it('rejects publish and subscribe once closed', async () => {
      const topic = uniqueName('topic');
      await bus.subscribe({ groupId: uniqueName('group'), topics: [topic], handle: async () => {} });
      await bus.close();
      await expect(bus.publish([{ topic, key: 'k', value: 'late' }])).rejects.toThrow(/closed/);
      await expect(bus.subscribe({ groupId: uniqueName('group'), topics: [topic], handle: async () => {} })).rejects.toThrow(/closed/);
    });
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Polls until check() is true; fails with the description (and detail) after the deadline. */
export async function waitFor(check: () => boolean, description: string, detail?: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${detail ? ` (${detail()})` : ''}`);
    await sleep(10);
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((resolvePromise) => (resolve = resolvePromise));
  return { promise, resolve };
}

function record(into: IncomingMessage[]): (message: IncomingMessage) => Promise<void> {
  return async (message) => {
    into.push(message);
  };
}

/** count messages spread round-robin over keyCount keys, values unique. */
function keyed(topic: string, count: number, keyCount: number): OutgoingMessage[] {
  return Array.from({ length: count }, (_, index) => ({ topic, key: `key-${index % keyCount}`, value: `message-${index}` }));
}

function values(messages: readonly IncomingMessage[]): string[] {
  return messages.map((message) => message.value ?? '<null>');
}

function total(perKey: Map<string, number[]>): number {
  return [...perKey.values()].reduce((sum, list) => sum + list.length, 0);
}

function allCaughtUp(subscriptions: readonly BusSubscription[]): boolean {
  return subscriptions.every((subscription) => subscription.lag() === 0);
}
