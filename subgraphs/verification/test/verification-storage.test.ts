import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentStorage } from '../src/storage/document-storage.js';
import { localDocumentStorage } from '../src/storage/local-storage.js';
import { s3DocumentStorage } from '../src/storage/s3-storage.js';
import { EMPTY_PAYLOAD_SHA256 } from '../src/storage/sigv4.js';

const keyFor = () => `${randomUUID()}/${randomUUID()}-${randomBytes(3).toString('hex')}`;

async function read(stream: Readable | null): Promise<Buffer | null> {
  if (stream === null) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that yields some bytes and then fails, as a refused upload does. */
function failingStream(): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from('%PDF-half a file');
      throw new Error('refused halfway');
    })(),
  );
}

describe('local document storage', () => {
  let directory: string;
  let storage: DocumentStorage;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'verification-storage-'));
    storage = localDocumentStorage(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('stores a stream and a buffer, and gives back the same bytes', async () => {
    const streamed = keyFor();
    const bytes = randomBytes(70_000);
    await storage.put(streamed, Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));
    expect((await read(await storage.get(streamed)))?.equals(bytes)).toBe(true);
    const buffered = keyFor();
    await storage.put(buffered, Buffer.from('hello'));
    expect((await read(await storage.get(buffered)))?.toString()).toBe('hello');
  });

  it('answers null for a key that holds nothing, and deletes idempotently', async () => {
    const key = keyFor();
    expect(await storage.get(key)).toBeNull();
    await storage.put(key, Buffer.from('x'));
    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined();
  });

  it('leaves nothing behind when the content stream fails halfway', async () => {
    const key = keyFor();
    await expect(storage.put(key, failingStream())).rejects.toThrow('refused halfway');
    expect(await storage.get(key)).toBeNull();
    expect(readdirSync(join(directory, key.split('/')[0]!))).toEqual([]);
  });

  it('refuses keys that would leave its directory', async () => {
    for (const key of ['../escape', 'a/../../b', '/absolute', 'a//b', '']) {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow('not a storage key');
    }
  });
});

describe('S3 document storage on the wire', () => {
  let server: Server;
  let endpoint: string;
  const objects = new Map<string, Buffer>();
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      const path = request.url!;
      if (request.method === 'PUT') {
        objects.set(path, body);
        response.writeHead(200).end();
        return;
      }
      if (request.method === 'DELETE') {
        objects.delete(path);
        response.writeHead(204).end();
        return;
      }
      const stored = objects.get(path);
      if (stored === undefined) response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      else response.writeHead(200).end(stored);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const settings = () => ({
    endpoint,
    bucket: 'documents',
    region: 'sa-east-1',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'example-secret',
    forcePathStyle: true,
  });

  it('puts with the body’s length and SHA-256 signed, gets it back, and deletes it, with path-style URLs', async () => {
    const storage = s3DocumentStorage(settings());
    const key = keyFor();
    const bytes = randomBytes(5_000);
    await storage.put(key, Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]));
    const put = seen.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.url).toBe(`/documents/${key}`);
    expect(put.headers['content-length']).toBe('5000');
    expect(put.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(put.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/sa-east-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(put.body.equals(bytes)).toBe(true);

    expect((await read(await storage.get(key)))?.equals(bytes)).toBe(true);
    expect(seen.at(-1)!.headers['x-amz-content-sha256']).toBe(EMPTY_PAYLOAD_SHA256);
    await storage.delete(key);
    expect(seen.at(-1)!.method).toBe('DELETE');
    expect(await storage.get(key)).toBeNull();
  });

  it('reports a refusal with the server’s status and error code', async () => {
    const refusing = createServer((_request, response) => {
      response.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const storage = s3DocumentStorage({ ...settings(), endpoint: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}` });
    await expect(storage.put(keyFor(), Buffer.from('x'))).rejects.toThrow(/HTTP 403 \(SignatureDoesNotMatch\)/);
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  });
});
