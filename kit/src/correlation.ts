import { randomUUID } from 'node:crypto';

/** The header that carries one request's id from the client, through the gateway, into every subgraph. */
export const CORRELATION_HEADER = 'x-correlation-id';

const acceptable = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Reuses a caller's correlation id when it is well formed, so a client can
 * find its own request in our logs; otherwise starts a new one.
 */
export function correlationIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && acceptable.test(value) ? value : randomUUID();
}
