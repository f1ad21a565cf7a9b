import type { IncomingMessage } from 'node:http';

/** How much of a body nobody read is still taken off the wire, and for how long, before the connection is closed. */
export interface UnreadBodyLimits {
  maxBytes: number;
  maxMs: number;
}

/** Bounds close to nginx's lingering close: enough for a client to see the answer, not enough to be a sink. */
export const defaultUnreadBodyLimits: UnreadBodyLimits = { maxBytes: 1024 * 1024, maxMs: 5_000 };

/**
 * Called once an answer went out; it matters when that was before the
 * request's body had arrived: a 413 at the size limit, a 403 for an upload URL
 * that is not valid. A body that had arrived leaves nothing to do.
 *
 * Closing the connection at that point would be wrong. The client is still
 * sending, its bytes reach a closed socket, and the peer answers with a reset.
 * The reset can reach the client before it has read the answer. The client then
 * reports a broken connection (EPIPE, ECONNRESET) instead of the 413; behind the
 * gateway, that became a 503.
 *
 * So the rest of the body is read and thrown away. If it ends within the
 * limits, the connection stays open for the next request; past them, the
 * connection is closed.
 */
export function discardUnreadBody(request: IncomingMessage, limits: UnreadBodyLimits): void {
  if (request.complete || request.destroyed) return;
  let discarded = 0;
  const close = () => {
    clearTimeout(deadline);
    request.socket.destroy();
  };
  const deadline = setTimeout(close, limits.maxMs);
  deadline.unref();
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limits.maxBytes) close();
  });
  request.once('close', () => clearTimeout(deadline));
  request.resume();
}
