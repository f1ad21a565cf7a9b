/** RFC 4648 §6 base32, the encoding authenticator apps expect TOTP secrets in. */
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array, { padding = true }: { padding?: boolean } = {}): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    // Keep only the bits not yet written, so the number never overflows.
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) output += alphabet[(buffer << (5 - bits)) & 31];
  return padding ? output.padEnd(Math.ceil(output.length / 8) * 8, '=') : output;
}

/**
 * Decodes base32, forgiving what people do when they type a secret: lower
 * case, spaces, missing padding. Returns undefined for anything else.
 */
export function base32Decode(text: string): Buffer | undefined {
  const cleaned = text.replace(/\s+/g, '').toUpperCase().replace(/=+$/, '');
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const character of cleaned) {
    const value = alphabet.indexOf(character);
    if (value === -1) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}
