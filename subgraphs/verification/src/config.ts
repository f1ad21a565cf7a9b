import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  defineSettings,
  env,
  projectRoot,
  publicBaseUrl,
  setting,
  subgraphSettings,
  type Environment,
  type IdentitySettings,
  type SettingsOf,
} from '#kit';
import { DOCUMENT_TYPE_PATTERN } from './verification/document-types.js';
import type { VerificationRole } from './database.js';

export const VERIFICATION_DEFAULT_PORT = 4004;
const MEBIBYTE = 1024 * 1024;

/** A comma-separated list of document type codes, each once. */
const documentTypeList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    )
    .pipe(
      z
        .array(z.string().regex(DOCUMENT_TYPE_PATTERN, 'document types are upper-case codes such as PROOF_OF_ADDRESS'))
        .min(1, 'must name at least one document type')
        .refine((types) => new Set(types).size === types.length, 'names a document type twice'),
    );

const s3Settings = {
  endpoint: setting('VERIFICATION_S3_ENDPOINT', z.url().optional(), 'The S3 endpoint (required when VERIFICATION_STORAGE=s3).'),
  bucket: setting(
    'VERIFICATION_S3_BUCKET',
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a valid bucket name')
      .optional(),
    'The bucket documents are kept in (required when VERIFICATION_STORAGE=s3).',
  ),
  region: setting('VERIFICATION_S3_REGION', z.string().min(1).default('us-east-1'), "The bucket's region."),
  accessKeyId: setting(
    'VERIFICATION_S3_ACCESS_KEY_ID',
    z.string().min(1).optional(),
    'The S3 access key id (required when VERIFICATION_STORAGE=s3).',
  ),
  secretAccessKey: setting(
    'VERIFICATION_S3_SECRET_ACCESS_KEY',
    z.string().min(1).optional(),
    'A secret: never logged. Required (with the other S3 settings) only when VERIFICATION_STORAGE=s3.',
  ),
  forcePathStyle: setting(
    'VERIFICATION_S3_FORCE_PATH_STYLE',
    env.flag(false),
    'Bucket in the path (`endpoint/bucket/key`) instead of the host name; most self-hosted S3 servers need it.',
  ),
};

export const verificationSettings = defineSettings({
  ...subgraphSettings('VERIFICATION', VERIFICATION_DEFAULT_PORT),
  verificationPublicUrl: setting(
    'VERIFICATION_PUBLIC_URL',
    z.url().optional(),
    'The public address signed upload and download URLs point at: the gateway, which forwards /uploads and /documents here (only the gateway is public). Unset: PUBLIC_URL, like every other link.',
    { documentedDefault: '`PUBLIC_URL`' },
  ),
  signingSecret: setting(
    'VERIFICATION_UPLOAD_SIGNING_SECRET',
    env.secret('development-verification-upload-signing-secret'),
    'Signs upload and download URLs; changing it invalidates the URLs already handed out.',
  ),
  uploadUrlTtlSeconds: setting(
    'VERIFICATION_UPLOAD_URL_TTL_SECONDS',
    z.coerce.number().int().min(10).max(3600).default(300),
    'How long a signed upload URL lasts.',
  ),
  downloadUrlTtlSeconds: setting(
    'VERIFICATION_DOWNLOAD_URL_TTL_SECONDS',
    z.coerce.number().int().min(10).max(3600).default(300),
    'How long a signed download URL lasts.',
  ),
  maxUploadBytes: setting(
    'VERIFICATION_MAX_UPLOAD_BYTES',
    z.coerce
      .number()
      .int()
      .min(64)
      .max(100 * MEBIBYTE)
      .default(10 * MEBIBYTE),
    'The largest document.',
  ),
  requiredDocuments: {
    SUPPLIER: setting(
      'VERIFICATION_REQUIRED_DOCUMENTS_SUPPLIER',
      documentTypeList('IDENTITY_DOCUMENT,PROOF_OF_ADDRESS,GAS_DISTRIBUTION_LICENCE,COMPANY_REGISTRY'),
      'The document types a supplier must have approved, comma-separated codes.',
    ),
    COURIER: setting(
      'VERIFICATION_REQUIRED_DOCUMENTS_COURIER',
      documentTypeList('IDENTITY_DOCUMENT,PROOF_OF_ADDRESS,DRIVING_LICENCE,VEHICLE_REGISTRATION'),
      'The document types a courier must have approved, comma-separated codes.',
    ),
  },
  storage: {
    kind: setting(
      'VERIFICATION_STORAGE',
      z.enum(['local', 's3']).default('local'),
      'Where documents are kept: `local` (a directory) or `s3`.',
    ),
    directory: setting(
      'VERIFICATION_STORAGE_DIRECTORY',
      z
        .string()
        .min(1)
        .default(join(projectRoot, '.data', 'verification-documents')),
      'The directory of `local` storage.',
      { documentedDefault: '`.data/verification-documents`' },
    ),
    s3: s3Settings,
  },
});

type Present<Settings> = { [Property in keyof Settings]: Exclude<Settings[Property], undefined> };

/** The S3 settings once VERIFICATION_STORAGE=s3 has made each of them required. */
export type S3Settings = Present<SettingsOf<typeof s3Settings>>;

export type StorageSettings = { kind: 'local'; directory: string } | ({ kind: 's3' } & S3Settings);

export interface VerificationSettings extends IdentitySettings {
  /** Base of the upload and download URLs handed to clients, without a trailing slash. */
  publicUrl: string;
  signingSecret: string;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  maxUploadBytes: number;
  requiredDocuments: Readonly<Record<VerificationRole, readonly string[]>>;
  storage: StorageSettings;
}

export type VerificationProcessSettings = Omit<SettingsOf<typeof verificationSettings.group>, keyof VerificationSettings> &
  VerificationSettings;

const requiredForS3 = [s3Settings.endpoint, s3Settings.bucket, s3Settings.accessKeyId, s3Settings.secretAccessKey];

export function parseVerificationSettings(environment: Environment): VerificationProcessSettings {
  const problems: string[] = [];
  let parsed: SettingsOf<typeof verificationSettings.group> | undefined;
  try {
    parsed = verificationSettings.parse(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // S3's settings depend on VERIFICATION_STORAGE, which one schema per variable cannot express.
  const s3 = parsed?.storage.s3;
  if (environment['VERIFICATION_STORAGE'] === 's3') {
    for (const { variable } of requiredForS3) {
      if (!environment[variable]) problems.push(`${variable}: must be set when VERIFICATION_STORAGE=s3 (not set)`);
    }
  }
  if (problems.length > 0 || parsed === undefined || s3 === undefined) throw new ConfigError(problems);
  const { endpoint, bucket, accessKeyId, secretAccessKey } = s3;
  const storage: StorageSettings =
    parsed.storage.kind === 's3' &&
    endpoint !== undefined &&
    bucket !== undefined &&
    accessKeyId !== undefined &&
    secretAccessKey !== undefined
      ? { kind: 's3', ...s3, endpoint, bucket, accessKeyId, secretAccessKey }
      : { kind: 'local', directory: parsed.storage.directory };
  return { ...parsed, publicUrl: publicBaseUrl(parsed.verificationPublicUrl ?? parsed.publicUrl), storage };
}
