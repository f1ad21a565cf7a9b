import { describe, expect, it } from 'vitest';
import { ConfigError } from '#kit';
import { parseGatewaySettings } from '../src/config.js';

describe('the gateway’s subscription settings', () => {
  it('default to a 3 s connection_init timeout, 50 subscriptions per connection and 64 KiB messages', () => {
    expect(parseGatewaySettings({}).subscriptions).toEqual({ initTimeoutMs: 3_000, maxPerConnection: 50, maxMessageBytes: 65_536 });
  });

  it('are read from SUBSCRIPTION_* variables', () => {
    const settings = parseGatewaySettings({
      SUBSCRIPTION_INIT_TIMEOUT_MS: '1500',
      SUBSCRIPTION_MAX_PER_CONNECTION: '10',
      SUBSCRIPTION_MAX_MESSAGE_BYTES: '16384',
    });
    expect(settings.subscriptions).toEqual({ initTimeoutMs: 1_500, maxPerConnection: 10, maxMessageBytes: 16_384 });
  });

  it('report every out-of-range value at once', () => {
    let problems: readonly string[] = [];
    try {
      parseGatewaySettings({
        SUBSCRIPTION_INIT_TIMEOUT_MS: '0',
        SUBSCRIPTION_MAX_PER_CONNECTION: 'many',
        SUBSCRIPTION_MAX_MESSAGE_BYTES: '10',
      });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'SUBSCRIPTION_INIT_TIMEOUT_MS',
      'SUBSCRIPTION_MAX_PER_CONNECTION',
      'SUBSCRIPTION_MAX_MESSAGE_BYTES',
    ]);
  });
});
