import { describe, expect, it } from 'vitest';
import { ConfigError } from '#kit';
import { parseVerificationSettings } from '../src/config.js';

const base = { VERIFICATION_DATABASE_URL: 'postgresql://localhost/verification' };

function problemsOf(environment: Record<string, string>): readonly string[] {
  try {
    parseVerificationSettings({ ...base, ...environment });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('verification settings', () => {
  it('defaults to the seed’s documents, local storage, 10 MiB and five-minute URLs on the service’s own address', () => {
    const settings = parseVerificationSettings(base);
    expect(settings.port).toBe(4004);
    expect(settings.requiredDocuments).toEqual({
      SUPPLIER: ['IDENTITY_DOCUMENT', 'PROOF_OF_ADDRESS', 'GAS_DISTRIBUTION_LICENCE', 'COMPANY_REGISTRY'],
      COURIER: ['IDENTITY_DOCUMENT', 'PROOF_OF_ADDRESS', 'DRIVING_LICENCE', 'VEHICLE_REGISTRATION'],
    });
    expect(settings.storage).toMatchObject({ kind: 'local' });
    expect(settings.maxUploadBytes).toBe(10 * 1024 * 1024);
    expect(settings.uploadUrlTtlSeconds).toBe(300);
    expect(settings.publicUrl).toBe('http://127.0.0.1:4000');
  });

  it('points signed URLs at the public gateway address, not at the service itself', () => {
    expect(
      parseVerificationSettings({
        ...base,
        VERIFICATION_SERVICE_URL: 'http://10.0.0.5:4004',
        VERIFICATION_PUBLIC_URL: 'https://api.gasrapido.com.br/',
      }).publicUrl,
    ).toBe('https://api.gasrapido.com.br');
  });

  it('reads each role’s documents as a list, refusing malformed and repeated types', () => {
    const settings = parseVerificationSettings({
      ...base,
      VERIFICATION_REQUIRED_DOCUMENTS_COURIER: ' IDENTITY_DOCUMENT , MOTORCYCLE_INSURANCE ',
    });
    expect(settings.requiredDocuments.COURIER).toEqual(['IDENTITY_DOCUMENT', 'MOTORCYCLE_INSURANCE']);
    expect(problemsOf({ VERIFICATION_REQUIRED_DOCUMENTS_SUPPLIER: 'identity document' })).toEqual([
      expect.stringMatching(/^VERIFICATION_REQUIRED_DOCUMENTS_SUPPLIER.*upper-case codes/),
    ]);
    expect(problemsOf({ VERIFICATION_REQUIRED_DOCUMENTS_COURIER: 'DRIVING_LICENCE,DRIVING_LICENCE' })).toEqual([
      expect.stringMatching(/^VERIFICATION_REQUIRED_DOCUMENTS_COURIER.*twice/),
    ]);
  });

  it('needs every S3 setting when the storage is S3, reporting them all with any other problem', () => {
    const problems = problemsOf({ VERIFICATION_STORAGE: 's3', VERIFICATION_S3_BUCKET: 'documents', VERIFICATION_MAX_UPLOAD_BYTES: '1' });
    expect(problems).toEqual([
      expect.stringMatching(/^VERIFICATION_MAX_UPLOAD_BYTES/),
      'VERIFICATION_S3_ENDPOINT: must be set when VERIFICATION_STORAGE=s3 (not set)',
      'VERIFICATION_S3_ACCESS_KEY_ID: must be set when VERIFICATION_STORAGE=s3 (not set)',
      'VERIFICATION_S3_SECRET_ACCESS_KEY: must be set when VERIFICATION_STORAGE=s3 (not set)',
    ]);
    const settings = parseVerificationSettings({
      ...base,
      VERIFICATION_STORAGE: 's3',
      VERIFICATION_S3_ENDPOINT: 'http://127.0.0.1:9000',
      VERIFICATION_S3_BUCKET: 'documents',
      VERIFICATION_S3_ACCESS_KEY_ID: 'id',
      VERIFICATION_S3_SECRET_ACCESS_KEY: 'secret',
      VERIFICATION_S3_FORCE_PATH_STYLE: 'true',
    });
    expect(settings.storage).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'documents',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
  });

  it('needs a real signing secret in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain(
      'VERIFICATION_UPLOAD_SIGNING_SECRET: must be set when NODE_ENV=production (not set)',
    );
  });
});
