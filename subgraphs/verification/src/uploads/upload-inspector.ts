import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { contentTypeNames, acceptedContentTypes, type AcceptedContentType } from './content-types.js';
import { SNIFF_BYTES, sniffContentType } from './content-sniffer.js';

export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The file is larger than the limit of ${limitBytes} bytes.`);
    this.name = 'UploadTooLargeError';
  }
}

export class UnexpectedContentError extends Error {
  constructor(
    readonly declared: AcceptedContentType,
    readonly detected: AcceptedContentType | null,
  ) {
    const what = detected === null ? `not ${acceptedNouns()}` : `${contentTypeNames[detected].noun} (${detected})`;
    super(
      `The file's bytes are ${what}, but ${declared} was declared. ` +
        (detected === null
          ? `Only ${acceptedContentTypes.join(', ')} are accepted.`
          : `Request a new upload URL declaring ${detected}, or upload ${contentTypeNames[declared].noun}.`),
    );
    this.name = 'UnexpectedContentError';
  }
}

export class EmptyUploadError extends Error {
  constructor() {
    super('The request body is empty: send the file’s bytes as the body of the PUT.');
    this.name = 'EmptyUploadError';
  }
}

/** The client went away before the whole body arrived. */
export class UploadAbortedError extends Error {
  constructor() {
    super('The upload was interrupted before the whole file arrived; send it again.');
    this.name = 'UploadAbortedError';
  }
}

function acceptedNouns(): string {
  const nouns = acceptedContentTypes.map((type) => contentTypeNames[type].noun);
  return `${nouns.slice(0, -1).join(', ')} or ${nouns.at(-1)}`;
}

/**
 * Passes an upload through while enforcing what it must be: no more than
 * `limitBytes`, and first bytes matching the declared type (checked before a
 * single byte is passed on, so a refused file never reaches the storage).
 * Computes the SHA-256 and size on the way.
 */
export class UploadInspector extends Transform {
  private readonly hash = createHash('sha256');
  private head: Buffer[] = [];
  private headLength = 0;
  private sniffed = false;
  private received = 0;
  private digest: string | undefined;

  constructor(
    private readonly declared: AcceptedContentType,
    private readonly limitBytes: number,
  ) {
    super();
  }

  get sizeBytes(): number {
    return this.received;
  }

  /** The hex SHA-256 of everything that passed; available once the stream has ended. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('the upload has not finished');
    return this.digest;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limitBytes) {
      done(new UploadTooLargeError(this.limitBytes));
      return;
    }
    this.hash.update(chunk);
    if (this.sniffed) {
      done(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) {
      done();
      return;
    }
    done(this.releaseHead());
  }

  override _flush(done: TransformCallback): void {
    if (this.received === 0) {
      done(new EmptyUploadError());
      return;
    }
    if (!this.sniffed) {
      const problem = this.releaseHead();
      if (problem !== undefined) {
        done(problem);
        return;
      }
    }
    this.digest = this.hash.digest('hex');
    done();
  }

  /** Judges the buffered head and passes it on; returns the refusal instead when it does not match. */
  private releaseHead(): UnexpectedContentError | undefined {
    const head = Buffer.concat(this.head);
    const detected = sniffContentType(head);
    if (detected !== this.declared) return new UnexpectedContentError(this.declared, detected);
    this.sniffed = true;
    this.head = [];
    this.push(head);
    return undefined;
  }
}
