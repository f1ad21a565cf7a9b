import { ProviderUnavailableError } from './payment-provider.js';

/**
 * A provider call that takes longer than `ms` counts as unanswered. The call
 * itself may still go through: that is exactly the unknown outcome the
 * recovery job settles by lookup.
 */
export async function withDeadline<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ProviderUnavailableError(`${what}: no answer from the provider within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
}
