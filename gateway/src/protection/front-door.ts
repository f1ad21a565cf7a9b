import type { HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode } from '#kit';
import type { OperationLimits } from '../config.js';
import type { GatewayContext } from '../gateway-context.js';
import { readOperations } from './graphql-request.js';
import { checkOperationLimits } from './operation-limits.js';
import type { RateLimiter } from './rate-limiter.js';
import type { Refusal } from './refusal.js';
import type { Safelist } from './safelist.js';

export interface FrontDoorOptions {
  rateLimiter: RateLimiter | undefined;
  limits: OperationLimits;
  allowBatching: boolean;
  maxBatchSize: number;
  safelist: Safelist | undefined;
}

/**
 * What the gateway checks of an HTTP request once its caller is known and
 * before Apollo Server parses, validates or plans anything: the caller's rate
 * limit first, so that a flood of anything is cut short, then batches, then
 * each operation against the safelist and the limits on its text.
 */
/** Verdicts remembered per document text; clients send the same few documents over and over. */
const rememberedVerdicts = 1_000;
/** Longer documents are checked every time rather than kept as cache keys. */
const longestRememberedDocument = 10_000;

export class FrontDoor {
  /** The limit verdict of recently seen documents (undefined: within the limits), oldest first. */
  private readonly verdicts = new Map<string, Refusal | undefined>();

  constructor(private readonly options: FrontDoorOptions) {}

  /**
   * The limits depend on the document text alone, so a document seen before
   * is not parsed again on every request: Apollo Server caches its own parse,
   * and this check would otherwise be the one parse each request repeats.
   */
  private limitVerdict(query: string): Refusal | undefined {
    if (this.verdicts.has(query)) return this.verdicts.get(query);
    const checked = checkOperationLimits(query, this.options.limits);
    const verdict = checked.ok ? undefined : checked.refusal;
    if (query.length <= longestRememberedDocument) {
      if (this.verdicts.size >= rememberedVerdicts) this.verdicts.delete(this.verdicts.keys().next().value!);
      this.verdicts.set(query, verdict);
    }
    return verdict;
  }

  async admit(request: HTTPGraphQLRequest, context: GatewayContext): Promise<Refusal | undefined> {
    const { batch, operations } = readOperations(request);
    const { allowBatching, maxBatchSize, rateLimiter } = this.options;
    // Every request counts, refused ones included; a batch that may run counts each operation.
    const cost = batch && allowBatching ? Math.max(1, operations.length) : 1;
    const limited = await rateLimiter?.admitCaller(context.viewer, context.clientAddress ?? 'unknown', cost);
    if (limited !== undefined) {
      return {
        code: ErrorCode.RATE_LIMITED,
        message: `Too many requests. Retry after ${limited.retryAfterSeconds} s.`,
        details: { retryAfter: limited.retryAfterSeconds },
        headers: { 'retry-after': String(limited.retryAfterSeconds) },
      };
    }
    if (batch && !allowBatching) {
      return {
        code: ErrorCode.BAD_REQUEST,
        message: 'Batched requests (a JSON array of operations) are not accepted. Send each operation in a request of its own.',
      };
    }
    if (batch && operations.length > maxBatchSize) {
      return {
        code: ErrorCode.BAD_REQUEST,
        message: `A batch may hold at most ${maxBatchSize} operations; this one holds ${operations.length}.`,
      };
    }
    for (const operation of operations) {
      const { safelist } = this.options;
      if (safelist !== undefined) {
        const registered =
          operation.query !== undefined
            ? safelist.allowsQuery(operation.query)
            : operation.persistedQueryHash !== undefined && safelist.allowsId(operation.persistedQueryHash);
        if (!registered && (operation.query !== undefined || operation.persistedQueryHash !== undefined)) {
          return {
            code: ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
            message: 'Only registered operations run on this gateway, and this one is not registered.',
          };
        }
      }
      // An APQ hash alone names a query that passed these checks when it was registered.
      if (operation.query === undefined) continue;
      const refusal = this.limitVerdict(operation.query);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }
}
