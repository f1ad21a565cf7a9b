import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_PAYLOAD_SHA256, encodeKeyPath, signV4, type SigV4Key } from '../src/storage/sigv4.js';

// The example credentials, bucket and time of AWS's published Signature Version 4
// examples for S3 ("Examples: Signature Calculations in AWS Signature Version 4",
// Amazon S3 API reference); the expected signatures are the ones printed there.
const key: SigV4Key = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 's3',
};
const at = new Date('2013-05-24T00:00:00Z');
const origin = 'https://examplebucket.s3.amazonaws.com';

const signatureOf = (headers: Record<string, string>) => /Signature=([0-9a-f]{64})$/.exec(headers['authorization'] ?? '')?.[1];
const signedHeadersOf = (headers: Record<string, string>) => /SignedHeaders=([^,]+),/.exec(headers['authorization'] ?? '')?.[1];

describe('AWS Signature Version 4 for S3', () => {
  it('signs the documented GET Object example (a Range header, an empty payload)', () => {
    const headers = signV4(
      { method: 'GET', url: new URL(`${origin}/test.txt`), headers: { Range: 'bytes=0-9' }, payloadSha256: EMPTY_PAYLOAD_SHA256 },
      key,
      at,
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
    expect(signedHeadersOf(headers)).toBe('host;range;x-amz-content-sha256;x-amz-date');
    expect(signatureOf(headers)).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20130524\/us-east-1\/s3\/aws4_request, /);
  });

  it('signs the documented PUT Object example (a key that needs encoding, a real payload)', () => {
    const body = 'Welcome to Amazon S3.';
    const payloadSha256 = createHash('sha256').update(body).digest('hex');
    expect(payloadSha256).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const headers = signV4(
      {
        method: 'PUT',
        url: new URL(`${origin}/${encodeKeyPath('test$file.text')}`),
        headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
        payloadSha256,
      },
      key,
      at,
    );
    expect(signedHeadersOf(headers)).toBe('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class');
    expect(signatureOf(headers)).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('signs the documented GET Bucket Lifecycle example (a query parameter without a value)', () => {
    const headers = signV4({ method: 'GET', url: new URL(`${origin}/?lifecycle`), payloadSha256: EMPTY_PAYLOAD_SHA256 }, key, at);
    expect(signatureOf(headers)).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
  });

  it('signs the documented List Objects example (query parameters sorted by name)', () => {
    const headers = signV4({ method: 'GET', url: new URL(`${origin}/?max-keys=2&prefix=J`), payloadSha256: EMPTY_PAYLOAD_SHA256 }, key, at);
    expect(signatureOf(headers)).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('encodes each segment of a key once, keeping the slashes', () => {
    expect(encodeKeyPath('a b/c+d/é(1)*')).toBe('a%20b/c%2Bd/%C3%A9%281%29%2A');
    expect(encodeKeyPath('user/doc-1_2.~')).toBe('user/doc-1_2.~');
  });

  it('changes the signature when anything signed changes', () => {
    const base = { method: 'GET', url: new URL(`${origin}/test.txt`), payloadSha256: EMPTY_PAYLOAD_SHA256 };
    const reference = signatureOf(signV4(base, key, at));
    expect(signatureOf(signV4({ ...base, method: 'DELETE' }, key, at))).not.toBe(reference);
    expect(signatureOf(signV4({ ...base, url: new URL(`${origin}/test.txT`) }, key, at))).not.toBe(reference);
    expect(signatureOf(signV4(base, { ...key, region: 'sa-east-1' }, at))).not.toBe(reference);
    expect(signatureOf(signV4(base, key, new Date(at.getTime() + 1000)))).not.toBe(reference);
  });
});
