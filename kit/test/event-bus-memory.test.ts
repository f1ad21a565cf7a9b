import { describe, expect, it } from 'vitest';
import { createEventBus } from '../src/events/create-event-bus.js';
import { MemoryEventBus } from '../src/events/memory-event-bus.js';
import { describeEventBusContract } from './event-bus.contract.js';

describeEventBusContract('MemoryEventBus', async () => ({ bus: new MemoryEventBus() }));

describe('createEventBus', () => {
  it('builds the in-memory bus when no brokers are configured', async () => {
    for (const brokers of [undefined, []]) {
      const bus = createEventBus({ brokers, clientId: 'test' });
      expect(bus.kind).toBe('memory');
      await bus.close();
    }
  });

  it('builds the Kafka bus when brokers are configured, without connecting before first use', async () => {
    const bus = createEventBus({ brokers: ['127.0.0.1:1'], clientId: 'test' });
    expect(bus.kind).toBe('kafka');
    await bus.close();
  });
});
