/** The only files verification accepts, recognised by their first bytes. */
export const acceptedContentTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;

export type AcceptedContentType = (typeof acceptedContentTypes)[number];

export function isAcceptedContentType(value: string): value is AcceptedContentType {
  return (acceptedContentTypes as readonly string[]).includes(value);
}

/** How a content type is named in messages and file names. */
export const contentTypeNames: Readonly<Record<AcceptedContentType, { noun: string; extension: string }>> = {
  'application/pdf': { noun: 'a PDF document', extension: 'pdf' },
  'image/jpeg': { noun: 'a JPEG image', extension: 'jpg' },
  'image/png': { noun: 'a PNG image', extension: 'png' },
};
