const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every id GasRápido issues is a UUID. Anything else cannot name a stored
 * row, so stores answer "not found" without asking the database (which would
 * reject it as a type error).
 */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** Escapes LIKE's wildcards so a search for "100%" means the text "100%". */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
