import { join } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  env,
  identitySettings,
  parseEnvironment,
  projectRoot,
  subgraphEnvironmentShape,
  subgraphProcessSettings,
  publicBaseUrl,
  type Environment,
  type IdentitySettings,
  type SubgraphProcessSettings,
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
    .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0))
    .pipe(
      z
        .array(z.string().regex(DOCUMENT_TYPE_PATTERN, 'document types are upper-case codes such as PROOF_OF_ADDRESS'))
        .min(1, 'must name at least one document type')
        .refine((types) => new Set(types).size === types.length, 'names a document type twice'),
    );

const verificationEnvironmentShape = {
  ...subgraphEnvironmentShape('VERIFICATION', VERIFICATION_DEFAULT_PORT),
  /** This service's own address; the platform sets it. */
  /**
   * The public address signed upload and download URLs point at: the gateway, which forwards
   * /uploads and /documents here (only the gateway is public). Unset: PUBLIC_URL, like every
   * other link.
   */
  VERIFICATION_PUBLIC_URL: z.url().optional(),
  VERIFICATION_UPLOAD_SIGNING_SECRET: env.secret('development-verification-upload-signing-secret'),
  VERIFICATION_UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  VERIFICATION_DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  VERIFICATION_MAX_UPLOAD_BYTES: z.coerce.number().int().min(64).max(100 * MEBIBYTE).default(10 * MEBIBYTE),
  VERIFICATION_REQUIRED_DOCUMENTS_SUPPLIER: documentTypeList('IDENTITY_DOCUMENT,PROOF_OF_ADDRESS,GAS_DISTRIBUTION_LICENCE,COMPANY_REGISTRY'),
  VERIFICATION_REQUIRED_DOCUMENTS_COURIER: documentTypeList('IDENTITY_DOCUMENT,PROOF_OF_ADDRESS,DRIVING_LICENCE,VEHICLE_REGISTRATION'),
  VERIFICATION_STORAGE: z.enum(['local', 's3']).default('local'),
  VERIFICATION_STORAGE_DIRECTORY: z.string().min(1).default(join(projectRoot, '.data', 'verification-documents')),
  VERIFICATION_S3_ENDPOINT: z.url().optional(),
  VERIFICATION_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a valid bucket name').optional(),
  VERIFICATION_S3_REGION: z.string().min(1).default('us-east-1'),
  VERIFICATION_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  /** A secret: never logged. Required (with the other S3 settings) only when VERIFICATION_STORAGE=s3. */
  VERIFICATION_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Bucket in the path (`endpoint/bucket/key`) instead of the host name; most self-hosted S3 servers need it. */
  VERIFICATION_S3_FORCE_PATH_STYLE: env.flag(false),
};

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

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

export interface VerificationProcessSettings extends SubgraphProcessSettings, VerificationSettings {}

const s3Variables = ['VERIFICATION_S3_ENDPOINT', 'VERIFICATION_S3_BUCKET', 'VERIFICATION_S3_ACCESS_KEY_ID', 'VERIFICATION_S3_SECRET_ACCESS_KEY'] as const;

export function parseVerificationSettings(environment: Environment): VerificationProcessSettings {
  const problems: string[] = [];
  let parsed: z.infer<z.ZodObject<typeof verificationEnvironmentShape>> | undefined;
  try {
    parsed = parseEnvironment(verificationEnvironmentShape, environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // S3's settings depend on VERIFICATION_STORAGE, which one schema per variable cannot express.
  if (environment['VERIFICATION_STORAGE'] === 's3') {
    for (const name of s3Variables) {
      if (!environment[name]) problems.push(`${name}: must be set when VERIFICATION_STORAGE=s3 (not set)`);
    }
  }
  if (problems.length > 0 || parsed === undefined) throw new ConfigError(problems);
  const storage: StorageSettings =
    parsed.VERIFICATION_STORAGE === 's3'
      ? {
          kind: 's3',
          endpoint: parsed.VERIFICATION_S3_ENDPOINT!,
          bucket: parsed.VERIFICATION_S3_BUCKET!,
          region: parsed.VERIFICATION_S3_REGION,
          accessKeyId: parsed.VERIFICATION_S3_ACCESS_KEY_ID!,
          secretAccessKey: parsed.VERIFICATION_S3_SECRET_ACCESS_KEY!,
          forcePathStyle: parsed.VERIFICATION_S3_FORCE_PATH_STYLE,
        }
      : { kind: 'local', directory: parsed.VERIFICATION_STORAGE_DIRECTORY };
  return {
    ...subgraphProcessSettings('VERIFICATION', parsed),
    ...identitySettings(parsed),
    publicUrl: publicBaseUrl(parsed.VERIFICATION_PUBLIC_URL ?? parsed.PUBLIC_URL),
    signingSecret: parsed.VERIFICATION_UPLOAD_SIGNING_SECRET,
    uploadUrlTtlSeconds: parsed.VERIFICATION_UPLOAD_URL_TTL_SECONDS,
    downloadUrlTtlSeconds: parsed.VERIFICATION_DOWNLOAD_URL_TTL_SECONDS,
    maxUploadBytes: parsed.VERIFICATION_MAX_UPLOAD_BYTES,
    requiredDocuments: {
      SUPPLIER: parsed.VERIFICATION_REQUIRED_DOCUMENTS_SUPPLIER,
      COURIER: parsed.VERIFICATION_REQUIRED_DOCUMENTS_COURIER,
    },
    storage,
  };
}
