import type { ApolloServerPlugin } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { GatewayContext } from '../gateway-context.js';

const anonymous = async ({ contextValue }: { contextValue: GatewayContext }) => contextValue.viewer === null;

/**
 * Caching of whole responses, for public data only. The overall cache policy
 * of a response is the most restrictive of its subgraphs' `Cache-Control`
 * headers (@apollo/gateway reads them; a subgraph that sends none makes the
 * response uncacheable). Only anonymous requests are served from or stored in
 * the shared cache, and only PUBLIC responses are stored: a signed-in user
 * never gets another caller's response, nor leaves theirs for someone else.
 */
export interface SharedResponseCache {
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Forgets every stored response, e.g. when the catalog changed. */
  clear(): void;
}

export function sharedResponseCache(maxBytes: number): SharedResponseCache {
  const store = new InMemoryLRUCache<string>({ maxSize: maxBytes });
  const plugin = responseCachePlugin<GatewayContext>({
    cache: store,
    // No sessions: private responses are never cached here at all.
    sessionId: async () => null,
    shouldReadFromCache: anonymous,
    shouldWriteToCache: anonymous,
  });
  // A mutation through this instance may change what the cache holds: forget it before the
  // mutation's caller can read again, so one client always reads its own writes. Other
  // instances forget when the change's event arrives.
  const clearAfterMutations: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === 'mutation') store.clear();
        },
      };
    },
  };
  return { plugins: [plugin, clearAfterMutations], clear: () => store.clear() };
}

/**
 * Marks every signed-in response PRIVATE, so its `Cache-Control` header keeps
 * shared HTTP caches (CDNs, proxies) from storing it, and adds `Vary:
 * Authorization` to cacheable responses so such a cache never answers a
 * signed-in request with the anonymous response to the same URL.
 */
export function signedInResponsesArePrivate(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, overallCachePolicy }) {
      if (contextValue.viewer !== null) overallCachePolicy.restrict({ scope: 'PRIVATE' });
      return {
        async willSendResponse({ overallCachePolicy: policy, response }) {
          if (policy.policyIfCacheable() !== null) response.http.headers.set('vary', 'authorization');
        },
      };
    },
  };
}
