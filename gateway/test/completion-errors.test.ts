import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { completionErrorsPlugin } from '../src/completion-errors-plugin.js';
import type { GatewayContext } from '../src/gateway-context.js';

/** Runs the plugin's willSendResponse on a single result, as Apollo Server would, and returns the result. */
async function sent(singleResult: Record<string, unknown>) {
  const logger = { error: vi.fn() };
  const hooks = await completionErrorsPlugin().requestDidStart!({} as never);
  const response = { body: { kind: 'single', singleResult }, http: { headers: new Map(), status: undefined } };
  await hooks!.willSendResponse!({
    response,
    contextValue: { logger },
  } as unknown as GraphQLRequestContextWillSendResponse<GatewayContext>);
  return { result: response.body.singleResult, logger };
}

describe('values a subgraph returned against its schema, under the stock executor', () => {
  it('are moved from extensions.valueCompletion into errors, with their path and a code, and logged', async () => {
    const completion = new GraphQLError('Cannot return null for non-nullable field DeliveryOffer.order.', {
      path: ['myDeliveryOffers', 0, 'order'],
      extensions: { code: 'INVALID_GRAPHQL' },
    });
    const { result, logger } = await sent({ data: null, extensions: { valueCompletion: [completion] } });
    expect(result).toEqual({
      data: null,
      errors: [{ message: expect.any(String), path: ['myDeliveryOffers', 0, 'order'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(logger.error).toHaveBeenCalledOnce();
  });

  it('come after the errors already there, and leave other extensions alone', async () => {
    const existing = { message: 'Products did not answer.', path: ['products'], extensions: { code: 'SERVICE_UNAVAILABLE' } };
    const completion = new GraphQLError('Invalid value found for field Product.grade.', {
      path: ['product', 'grade'],
      extensions: { code: 'INVALID_GRAPHQL' },
    });
    const { result } = await sent({
      data: { product: { grade: null } },
      errors: [existing],
      extensions: { valueCompletion: [completion], cost: 3 },
    });
    expect(result['errors']).toEqual([
      existing,
      expect.objectContaining({ path: ['product', 'grade'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(result['extensions']).toEqual({ cost: 3 });
  });

  it('leave a response without them as it was', async () => {
    const { result, logger } = await sent({ data: { me: null } });
    expect(result).toEqual({ data: { me: null } });
    expect(logger.error).not.toHaveBeenCalled();
  });
});
