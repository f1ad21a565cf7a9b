import type { FieldProblem } from '#kit';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Any 1 to 255 visible ASCII characters; a UUID v4 per logical request is the usual choice. */
export function idempotencyKeyProblem(key: string, field: string): FieldProblem | null {
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    return { field, message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters without spaces, e.g. a UUID` };
  }
  return null;
}
