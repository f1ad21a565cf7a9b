// `npm run k8s:validate`: validates the Kubernetes manifests without a cluster. Renders the base
// and every overlay under deploy/kubernetes/ with kustomize, checks each object against the
// strict JSON schemas of the oldest and newest Kubernetes releases we support, and against the
// project's rules (scripts/kubernetes/). The Helm chart (deploy/helm/gasrapido) is rendered with
// its default values and checked the same way. Pass kustomization folders to check others instead.
// The schemas are fetched once with pip and cached in $GASRAPIDO_CACHE_DIR (~/.cache/gasrapido).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { projectRoot } from '#kit';
import { ensureSchemas, KubernetesSchemas } from './kubernetes/schemas.js';
import { supportedKubernetesVersions as kubernetesVersions, validateHelmChart, validateKustomization } from './kubernetes/validate.js';

const manifests = join(projectRoot, 'deploy', 'kubernetes');
const dirs = process.argv.length > 2 ? process.argv.slice(2) : [join(manifests, 'base'), ...listDirs(join(manifests, 'overlays'))];
const charts = process.argv.length > 2 ? [] : [join(projectRoot, 'deploy', 'helm', 'gasrapido')];
const cacheRoot = process.env['GASRAPIDO_CACHE_DIR'] || join(homedir(), '.cache', 'gasrapido');

let schemas: KubernetesSchemas[];
try {
  schemas = [...ensureSchemas(cacheRoot, kubernetesVersions)].map(([version, dir]) => new KubernetesSchemas(version, dir));
} catch (error) {
  process.stderr.write(`cannot load the Kubernetes schemas: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

let failed = false;
const reports = [
  ...dirs.map((dir) => () => validateKustomization(dir, schemas)),
  ...charts.map((dir) => () => validateHelmChart(dir, schemas)),
];
for (const validate of reports) {
  const report = validate();
  const dir = report.dir;
  const name = relative(process.cwd(), dir).startsWith('..') ? dir : relative(process.cwd(), dir) || dir;
  if (report.problems.length > 0) {
    failed = true;
    process.stderr.write(`${name} is invalid:\n${report.problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
  } else {
    process.stdout.write(`${name}: ${report.objects.length} objects valid for Kubernetes ${kubernetesVersions.join(' and ')}\n`);
  }
}
process.exit(failed ? 1 : 0);

function listDirs(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, 'kustomization.yaml')))
    .map((entry) => join(parent, entry.name))
    .sort();
}
