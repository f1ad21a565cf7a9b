/**
 * What production asks of a secret beyond being set: that nobody else knows
 * it. A value printed in this repository (a development default, a compose or
 * documentation placeholder) is public; a short or repetitive one can be
 * guessed; one value serving two purposes leaks both when either leaks (an
 * upload-signing key that is also the gateway credential lets a document link
 * forge gateway calls).
 */

/** Production secrets are at least this long: 32 random bytes in base64 are 44 characters. */
export const PRODUCTION_SECRET_MIN_LENGTH = 32;

/**
 * A floor on the information in a secret, estimated from how evenly its
 * characters are spread (Shannon entropy times length). It cannot tell a
 * random string from a sentence, but refuses `aaaa…`, `abcabc…` and the like;
 * 16 random bytes in hex (the smallest value worth having) score about 115.
 */
export const PRODUCTION_SECRET_MIN_BITS = 100;

/**
 * Marks of the values this repository ships: every development default
 * (`development-…`), the former compose fallbacks (`change-me-…`) and the
 * documentation's examples. Matching is by pattern so that a variant typed by
 * hand (`changeme`, `CHANGE_ME`) is refused too.
 */
const publicValuePatterns: readonly RegExp[] = [
  /chang(e|ing)[-_ .]?me/i,
  /replace[-_ .]?me/i,
  /development/i,
  /example/i,
  /placeholder/i,
  /insecure/i,
  /^(secret|password|passw0rd|gasrapido)[-_ .0-9]*$/i,
];

/** Values registered as some setting's development default; each is public. */
const developmentDefaults = new Set<string>();

export function registerDevelopmentDefault(value: string): void {
  developmentDefaults.add(value);
}

/** Estimated bits of information: Shannon entropy of the character distribution times the length. */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  const characters = [...value];
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const share = count / characters.length;
    perCharacter -= share * Math.log2(share);
  }
  return perCharacter * characters.length;
}

/** Why a value cannot be a production secret, or undefined when it can. */
export function weaknessOf(value: string): string | undefined {
  if (developmentDefaults.has(value) || publicValuePatterns.some((pattern) => pattern.test(value))) {
    return 'is a publicly known default or example value; generate one, e.g. `openssl rand -base64 48`';
  }
  if ([...value].length < PRODUCTION_SECRET_MIN_LENGTH) {
    return `must be at least ${PRODUCTION_SECRET_MIN_LENGTH} characters in production; generate one, e.g. \`openssl rand -base64 48\``;
  }
  if (estimatedBits(value) < PRODUCTION_SECRET_MIN_BITS) {
    return 'is too predictable (repeated or few distinct characters); generate one, e.g. `openssl rand -base64 48`';
  }
  return undefined;
}

/** One problem per value shared by several secrets, naming them all. */
export function reusedSecrets(secrets: ReadonlyArray<readonly [name: string, value: string]>): string[] {
  const namesByValue = new Map<string, string[]>();
  for (const [name, value] of secrets) namesByValue.set(value, [...(namesByValue.get(value) ?? []), name]);
  return [...namesByValue.values()]
    .filter((names) => names.length > 1)
    .map((names) => `${names.join(', ')}: the same value serves ${names.length} purposes; give each its own secret`);
}
