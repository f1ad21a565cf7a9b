import { createHash, randomBytes } from 'node:crypto';

/**
 * Crockford's base32: digits and capitals without I, L, O and U, so a code
 * read aloud, printed or typed from a phone screen survives the trip.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 20 symbols of 5 bits: 100 random bits, far beyond what rate-limited guessing can search. */
const SYMBOLS = 20;
const GROUP_LENGTH = 4;
/** Marks a GasRápido code among the other codes people receive; optional when typed. */
export const CODE_PREFIX = 'GR';

const canonical = new RegExp(`^[${ALPHABET}]{${SYMBOLS}}$`);
/** Longer input cannot be a code whatever its separators; checked before any work on it. */
const MAX_INPUT_LENGTH = 64;

export interface IssuedCode {
  /** What the invitee types, e.g. `GR-7K3M-Q9XA-2HZD-W4NB-P8TE`; never stored. */
  code: string;
  /** What the database keeps. */
  codeHash: string;
}

/** A new code and its hash. */
export function issueInvitationCode(random: (size: number) => Buffer = randomBytes): IssuedCode {
  // 256 is a multiple of 32, so the low five bits of a uniform byte are a uniform symbol.
  const symbols = [...random(SYMBOLS)].map((byte) => ALPHABET[byte & 31]).join('');
  const groups = symbols.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g')) ?? [];
  return { code: [CODE_PREFIX, ...groups].join('-'), codeHash: invitationCodeHash(symbols) };
}

/**
 * The code's canonical form (its 20 symbols), whatever the case, dashes,
 * spaces and prefix it was typed with; the letters people confuse with digits
 * (I, L, O) are read as the digits. Undefined when it cannot be a code.
 */
export function normaliseInvitationCode(input: string): string | undefined {
  if (input.length > MAX_INPUT_LENGTH) return undefined;
  let compact = input.toUpperCase().replace(/[\s-]+/g, '');
  if (compact.length === CODE_PREFIX.length + SYMBOLS && compact.startsWith(CODE_PREFIX)) compact = compact.slice(CODE_PREFIX.length);
  compact = compact.replace(/[IL]/g, '1').replace(/O/g, '0');
  return canonical.test(compact) ? compact : undefined;
}

/** What the database stores and looks codes up by: SHA-256 (hex) of the canonical form. */
export function invitationCodeHash(canonicalCode: string): string {
  return createHash('sha256').update(canonicalCode).digest('hex');
}

/** The hash of a code as typed, or undefined when it cannot be a code. */
export function hashTypedCode(input: string): string | undefined {
  const code = normaliseInvitationCode(input);
  return code === undefined ? undefined : invitationCodeHash(code);
}
