import type { BusSubscription, EventBus, IncomingMessage, OutgoingMessage, SubscribeOptions } from './event-bus.js';

interface StoredMessage {
  topic: string;
  offset: number;
  key: string;
  value: string;
  headers: Readonly<Record<string, string>>;
}

interface Group {
  /** Next offset to hand out per topic; shared by the group's members. */
  positions: Map<string, number>;
  members: Member[];
}

interface Member {
  options: SubscribeOptions;
  stopped: boolean;
  /** Keys whose previous message is still being handled: the next waits, to keep per-key order. */
  busyKeys: Set<string>;
  inFlight: Set<Promise<void>>;
}

const redeliveryDelayMs = 50;

/**
 * An event bus inside one process: the embedded default of `npm start`, and
 * the fast double for unit tests. It keeps every message for the process's
 * life, so a late group can start from the beginning like on Kafka.
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
      topicLog.push({ ...message, headers: message.headers ?? {}, offset: topicLog.length });
    }
    for (const group of this.groups.values()) this.pump(group);
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closed) throw new Error('event bus is closed');
    let group = this.groups.get(options.groupId);
    if (group === undefined) {
      group = { positions: new Map(), members: [] };
      for (const topic of options.topics) {
        group.positions.set(topic, options.fromBeginning ? 0 : (this.log.get(topic)?.length ?? 0));
      }
      this.groups.set(options.groupId, group);
    }
    const member: Member = { options, stopped: false, busyKeys: new Set(), inFlight: new Set() };
    group.members.push(member);
    const owner = group;
    this.pump(owner);
    return {
      stop: async () => {
        member.stopped = true;
        owner.members = owner.members.filter((candidate) => candidate !== member);
        await Promise.all(member.inFlight);
      },
      lag: () =>
        member.options.topics.reduce(
          (total, topic) => total + (this.log.get(topic)?.length ?? 0) - (owner.positions.get(topic) ?? 0),
          0,
        ) + member.inFlight.size,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const members = [...this.groups.values()].flatMap((group) => group.members);
    for (const member of members) member.stopped = true;
    await Promise.all(members.flatMap((member) => [...member.inFlight]));
    this.groups.clear();
  }

  /** Hands the group's next messages to its members, keeping each key in order. */
  private pump(group: Group): void {
    for (const [topic, position] of group.positions) {
      const topicLog = this.log.get(topic) ?? [];
      let next = position;
      while (next < topicLog.length) {
        const message = topicLog[next]!;
        const member = this.memberFor(group, topic, message.key);
        if (member === undefined || member.busyKeys.has(`${topic}/${message.key}`)) break;
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
    const busyKey = `${message.topic}/${message.key}`;
    member.busyKeys.add(busyKey);
    const incoming: IncomingMessage = {
      topic: message.topic,
      partition: 0,
      offset: String(message.offset),
      key: message.key,
      value: message.value,
      headers: message.headers,
    };
    const attempt = async (): Promise<void> => {
      for (;;) {
        try {
          await member.options.handle(incoming);
          return;
        } catch {
          if (member.stopped) return;
          await new Promise((resolve) => setTimeout(resolve, redeliveryDelayMs));
        }
      }
    };
    const run = attempt().finally(() => {
      member.inFlight.delete(run);
      member.busyKeys.delete(busyKey);
      if (!member.stopped) this.pump(group);
    });
    member.inFlight.add(run);
  }
}
