import type { AcceptedContentType } from './content-types.js';

const signatures: ReadonlyArray<{ type: AcceptedContentType; magic: Buffer }> = [
  { type: 'application/pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { type: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
];

/** How many leading bytes sniffing needs: the longest signature. */
export const SNIFF_BYTES = Math.max(...signatures.map((signature) => signature.magic.length));

/**
 * What a file is, judged by its first bytes alone (its name and declared type
 * prove nothing); null when it is none of the accepted types.
 */
export function sniffContentType(head: Buffer): AcceptedContentType | null {
  for (const { type, magic } of signatures) {
    if (head.length >= magic.length && head.subarray(0, magic.length).equals(magic)) return type;
  }
  return null;
}
