import { backoffDelay } from './backoff.js';
import type { BusSubscription, EventBus, IncomingMessage, OutgoingMessage, SubscribeOptions } from './event-bus.js';

interface StoredMessage {
  topic: string;
  offset: number;
  key: string;
  value: string;
  headers: Readonly<Record<string, string>>;
  /** When it was published (ms since the epoch), for subscriptions that start at a time. */
  publishedAt: number;
}

interface Group {
  /** Next offset to hand out per topic; shared by the group's members. */
  positions: Map<string, number>;
  /** Messages handed out but not acknowledged (their member stopped): they go out again first. */
  returned: StoredMessage[];
  /** Keys with a message in a handler, anywhere in the group: the key's next message waits. */
  busyKeys: Map<string, StoredMessage>;
  members: Member[];
}

interface Member {
  options: SubscribeOptions;
  stopped: boolean;
  /** Resolves when the member stops, to cut a redelivery pause short. */
  stoppedSignal: Promise<void>;
  signalStopped(): void;
  inFlight: Set<Promise<void>>;
}

/** Redelivery pause after a rejection: doubles from the first up to the cap, with jitter. */
const firstRedeliveryDelayMs = 50;
const maxRedeliveryDelayMs = 1_000;

/**
 * An event bus inside one process: the embedded default of `npm start`, and
 * the fast double for unit tests. It keeps every message for the process's
 * life, so a late group can start from the beginning like on Kafka. Each
 * topic behaves like one partition: a key whose message is being handled
 * holds back the topic's later messages for that group.
 */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly log = new Map<string, StoredMessage[]>();
  private readonly groups = new Map<string, Group>();
  private closed = false;

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    for (const message of messages) {
      const topicLog = this.log.get(message.topic) ?? [];
      this.log.set(message.topic, topicLog);
      topicLog.push({
        topic: message.topic,
        offset: topicLog.length,
        key: message.key,
        value: message.value,
        headers: Object.freeze({ ...message.headers }),
        publishedAt: Date.now(),
      });
    }
    for (const group of this.groups.values()) this.pump(group);
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closed) throw new Error('event bus is closed');
    let group = this.groups.get(options.groupId);
    if (group === undefined) {
      group = { positions: new Map(), returned: [], busyKeys: new Map(), members: [] };
      this.groups.set(options.groupId, group);
    }
    for (const topic of options.topics) {
      if (!group.positions.has(topic)) group.positions.set(topic, this.startPosition(topic, options));
    }
    let signalStopped!: () => void;
    const stoppedSignal = new Promise<void>((resolve) => (signalStopped = resolve));
    const member: Member = { options, stopped: false, stoppedSignal, signalStopped, inFlight: new Set() };
    group.members.push(member);
    const owner = group;
    this.pump(owner);
    return {
      stop: async () => {
        this.stopMember(owner, member);
        this.pump(owner);
        await Promise.all(member.inFlight);
      },
      lag: () => this.lag(owner, member.options.topics),
    };
  }

  async ensureTopics(): Promise<void> {
    // Topics exist as soon as something is published to them.
  }

  async close(): Promise<void> {
    this.closed = true;
    const groups = [...this.groups.values()];
    const inFlight = groups.flatMap((group) => group.members.flatMap((member) => [...member.inFlight]));
    for (const group of groups) for (const member of [...group.members]) this.stopMember(group, member);
    await Promise.all(inFlight);
    this.groups.clear();
  }

  /** Where a new group starts reading a topic. */
  private startPosition(topic: string, options: SubscribeOptions): number {
    const topicLog = this.log.get(topic) ?? [];
    if (options.startAt !== undefined) {
      const from = options.startAt.getTime();
      const first = topicLog.findIndex((message) => message.publishedAt >= from);
      return first === -1 ? topicLog.length : first;
    }
    return options.fromBeginning ? 0 : topicLog.length;
  }

  /** The group's messages on these topics not yet handled: waiting, handed back, or in a handler. */
  private lag(group: Group, topics: readonly string[]): number {
    let total = 0;
    for (const topic of topics) total += (this.log.get(topic)?.length ?? 0) - (group.positions.get(topic) ?? 0);
    for (const message of [...group.returned, ...group.busyKeys.values()]) if (topics.includes(message.topic)) total += 1;
    return total;
  }

  private stopMember(group: Group, member: Member): void {
    member.stopped = true;
    member.signalStopped();
    group.members = group.members.filter((candidate) => candidate !== member);
  }

  /** Hands the group's next messages to its members, keeping each key in order. */
  private pump(group: Group): void {
    // Handed-back messages first: they precede every later message of their key.
    for (const message of [...group.returned]) {
      const member = this.memberFor(group, message.topic, message.key);
      if (member === undefined) continue;
      group.returned.splice(group.returned.indexOf(message), 1);
      this.deliver(group, member, message);
    }
    for (const [topic, position] of group.positions) {
      const topicLog = this.log.get(topic) ?? [];
      let next = position;
      while (next < topicLog.length) {
        const message = topicLog[next]!;
        const member = this.memberFor(group, topic, message.key);
        if (member === undefined || group.busyKeys.has(busyKey(message))) break;
        next += 1;
        this.deliver(group, member, message);
      }
      group.positions.set(topic, next);
    }
  }

  private memberFor(group: Group, topic: string, key: string): Member | undefined {
    const candidates = group.members.filter((member) => !member.stopped && member.options.topics.includes(topic));
    if (candidates.length === 0) return undefined;
    // Like a partition, one key always goes to the same member of a stable group.
    let hash = 0;
    for (const character of key) hash = (hash * 31 + character.charCodeAt(0)) | 0;
    return candidates[Math.abs(hash) % candidates.length];
  }

  private deliver(group: Group, member: Member, message: StoredMessage): void {
    group.busyKeys.set(busyKey(message), message);
    const incoming: IncomingMessage = {
      topic: message.topic,
      partition: 0,
      offset: String(message.offset),
      key: message.key,
      value: message.value,
      headers: message.headers,
    };
    const run: Promise<void> = this.handleUntilAcknowledged(member, incoming).then((handled) => {
      // Not acknowledged because the member stopped: another member (or a later one) gets it.
      if (!handled) group.returned.push(message);
      group.busyKeys.delete(busyKey(message));
      member.inFlight.delete(run);
      this.pump(group);
    });
    member.inFlight.add(run);
  }

  /** True once the handler resolved; false if the member stopped first. */
  private async handleUntilAcknowledged(member: Member, message: IncomingMessage): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await member.options.handle(message);
        return true;
      } catch {
        if (member.stopped) return false;
        const delay = backoffDelay(attempt, firstRedeliveryDelayMs, maxRedeliveryDelayMs);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delay))), member.stoppedSignal]);
        clearTimeout(timer);
        if (member.stopped) return false;
      }
    }
  }
}

function busyKey(message: StoredMessage): string {
  return `${message.topic}\u0000${message.key}`;
}
