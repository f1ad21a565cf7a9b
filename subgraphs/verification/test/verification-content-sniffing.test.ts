import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { sniffContentType } from '../src/uploads/content-sniffer.js';
import { EmptyUploadError, UnexpectedContentError, UploadInspector, UploadTooLargeError } from '../src/uploads/upload-inspector.js';

const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

/** Streams the chunks through an inspector and collects what it lets through. */
async function inspect(declared: 'application/pdf' | 'image/jpeg' | 'image/png', chunks: Buffer[], limit = 1024) {
  const inspector = new UploadInspector(declared, limit);
  const passed: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    inspector,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        passed.push(chunk);
        done();
      },
    }),
  );
  return { inspector, passed: Buffer.concat(passed) };
}

describe('sniffing a file by its first bytes', () => {
  it('recognises PDF, JPEG and PNG by their signatures', () => {
    expect(sniffContentType(pdf)).toBe('application/pdf');
    expect(sniffContentType(jpeg)).toBe('image/jpeg');
    expect(sniffContentType(png)).toBe('image/png');
  });

  it('recognises nothing else: text, a GIF, a ZIP, random bytes, a truncated signature', () => {
    expect(sniffContentType(Buffer.from('hello, world'))).toBeNull();
    expect(sniffContentType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBeNull();
    expect(sniffContentType(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]))).toBeNull();
    expect(sniffContentType(Buffer.from([0x12, 0x9a, 0xfe, 0x00, 0x31, 0x77, 0x08, 0xc4]))).toBeNull();
    expect(sniffContentType(Buffer.from('%PDF', 'latin1'))).toBeNull();
    expect(sniffContentType(png.subarray(0, 7))).toBeNull();
    expect(sniffContentType(Buffer.alloc(0))).toBeNull();
  });

  it('does not confuse a signature that appears later in the file', () => {
    expect(sniffContentType(Buffer.concat([Buffer.from(' '), pdf]))).toBeNull();
  });
});

describe('the upload inspector', () => {
  it('passes a matching file through unchanged, with its size and SHA-256, even when the signature is split across chunks', async () => {
    const file = Buffer.concat([png, Buffer.alloc(100, 7)]);
    const { inspector, passed } = await inspect('image/png', [file.subarray(0, 1), file.subarray(1, 5), file.subarray(5)]);
    expect(passed.equals(file)).toBe(true);
    expect(inspector.sizeBytes).toBe(file.length);
    expect(inspector.sha256).toBe(createHash('sha256').update(file).digest('hex'));
  });

  it('accepts a file shorter than the longest signature when its own signature matches', async () => {
    const { passed } = await inspect('image/jpeg', [jpeg.subarray(0, 4)]);
    expect(passed.length).toBe(4);
  });

  it('refuses a PNG declared as a PDF, naming both, before passing a byte on', async () => {
    const inspector = new UploadInspector('application/pdf', 1024);
    const passed: Buffer[] = [];
    inspector.on('data', (chunk: Buffer) => passed.push(chunk));
    const failure = pipeline(Readable.from([png, Buffer.alloc(50)]), inspector);
    await expect(failure).rejects.toBeInstanceOf(UnexpectedContentError);
    await expect(failure).rejects.toThrow("The file's bytes are a PNG image (image/png), but application/pdf was declared.");
    expect(passed).toHaveLength(0);
  });

  it('refuses bytes that are no accepted type at all', async () => {
    await expect(inspect('image/jpeg', [Buffer.from('#!/bin/sh\nrm -rf /\n')])).rejects.toThrow(
      "The file's bytes are not a PDF document, a JPEG image or a PNG image, but image/jpeg was declared.",
    );
  });

  it('refuses a file over the limit as soon as the limit is passed', async () => {
    let produced = 0;
    const endless = new Readable({
      highWaterMark: 1,
      read() {
        produced += 1;
        this.push(produced === 1 ? pdf : Buffer.alloc(64));
      },
    });
    const inspector = new UploadInspector('application/pdf', 256);
    await expect(pipeline(endless, inspector, new Writable({ write: (_c, _e, done) => done() }))).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    expect(produced).toBeLessThan(20);
  });

  it('accepts a file of exactly the limit', async () => {
    const file = Buffer.concat([pdf, Buffer.alloc(256 - pdf.length, 0x20)]);
    const { inspector } = await inspect('application/pdf', [file], 256);
    expect(inspector.sizeBytes).toBe(256);
  });

  it('refuses an empty body', async () => {
    await expect(inspect('application/pdf', [])).rejects.toBeInstanceOf(EmptyUploadError);
  });
});
