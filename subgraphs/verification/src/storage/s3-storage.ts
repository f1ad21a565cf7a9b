import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { S3Settings } from '../config.js';
import { assertStorageKey, type DocumentStorage } from './document-storage.js';
import { EMPTY_PAYLOAD_SHA256, encodeKeyPath, signV4, type SigV4Key } from './sigv4.js';

const requestTimeoutMs = 30_000;

/**
 * Objects in one bucket of an S3-compatible server, signed with SigV4 over
 * fetch. PutObject needs the length (and here the hash) up front, so put()
 * collects the content in memory first; uploads are bounded by
 * VERIFICATION_MAX_UPLOAD_BYTES before they get here.
 */
export function s3DocumentStorage(settings: S3Settings, now: () => Date = () => new Date()): DocumentStorage {
  const signingKey: SigV4Key = {
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    region: settings.region,
    service: 's3',
  };
  const endpoint = new URL(settings.endpoint);
  const basePath = endpoint.pathname.replace(/\/+$/, '');

  function objectUrl(key: string): URL {
    assertStorageKey(key);
    const url = new URL(endpoint.origin);
    if (settings.forcePathStyle) {
      url.pathname = `${basePath}/${settings.bucket}/${encodeKeyPath(key)}`;
    } else {
      url.hostname = `${settings.bucket}.${endpoint.hostname}`;
      url.pathname = `${basePath}/${encodeKeyPath(key)}`;
    }
    return url;
  }

  async function send(method: 'GET' | 'PUT' | 'DELETE', key: string, body?: Buffer): Promise<Response> {
    const url = objectUrl(key);
    const payloadSha256 = body === undefined ? EMPTY_PAYLOAD_SHA256 : createHash('sha256').update(body).digest('hex');
    const extra: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/octet-stream' };
    const { host: _host, ...headers } = signV4({ method, url, headers: extra, payloadSha256 }, signingKey, now());
    // fetch sets Host from the URL itself, to the value that was signed.
    return fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  }

  async function failure(response: Response, what: string): Promise<Error> {
    const text = await response.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    return new Error(`S3 ${what} failed with HTTP ${response.status}${code ? ` (${code})` : ''}`);
  }

  return {
    async put(key, content) {
      const body = Buffer.isBuffer(content) ? content : await collect(content);
      const response = await send('PUT', key, body);
      if (!response.ok) throw await failure(response, `PutObject of ${key}`);
      await response.body?.cancel();
    },
    async get(key) {
      const response = await send('GET', key);
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok || response.body === null) throw await failure(response, `GetObject of ${key}`);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    },
    async delete(key) {
      const response = await send('DELETE', key);
      // S3 answers 204 whether or not the key existed; some compatible servers say 404.
      if (!response.ok && response.status !== 404) throw await failure(response, `DeleteObject of ${key}`);
      await response.body?.cancel();
    },
  };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
