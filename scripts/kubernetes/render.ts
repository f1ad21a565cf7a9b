// Renders a kustomization offline: `kubectl kustomize` (kustomize is built into kubectl, which
// every machine of this project has) or a standalone `kustomize`. Neither contacts a cluster.
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { ensureHelm } from './helm.js';

/** A rendered Kubernetes object: only what every object has is typed. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export class RenderError extends Error {}

/** The commands tried, in order; the first one found on PATH renders. */
const renderers: ReadonlyArray<{ command: string; args: (dir: string) => string[] }> = [
  { command: 'kubectl', args: (dir) => ['kustomize', dir] },
  { command: 'kustomize', args: (dir) => ['build', dir] },
];

export function renderKustomization(dir: string): KubernetesObject[] {
  for (const renderer of renderers) {
    let output: string;
    try {
      output = execFileSync(renderer.command, renderer.args(dir), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string };
      if (failure.code === 'ENOENT') continue;
      throw new RenderError(`${renderer.command} could not render ${dir}: ${(failure.stderr ?? failure.message).trim()}`);
    }
    return parseObjects(output, dir);
  }
  throw new RenderError(`neither kubectl nor kustomize is on PATH: install one to render ${dir}`);
}

/**
 * Renders a Helm chart offline (`helm template`, no cluster): helm from PATH, or the pinned
 * build that scripts/kubernetes/helm.ts caches under ~/.cache/gasrapido.
 */
export function renderHelmChart(dir: string, valuesFiles: readonly string[] = []): KubernetesObject[] {
  let helm: string;
  try {
    helm = ensureHelm();
  } catch (error) {
    throw new RenderError(`cannot render ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const output = execFileSync(
      helm,
      ['template', 'gasrapido', dir, '--namespace', 'gasrapido', ...valuesFiles.flatMap((file) => ['--values', file])],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return parseObjects(output, dir);
  } catch (error) {
    if (error instanceof RenderError) throw error;
    const failure = error as { stderr?: string; message: string };
    throw new RenderError(`helm could not render ${dir}: ${(failure.stderr ?? failure.message).trim()}`);
  }
}

function parseObjects(output: string, dir: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const document of parseAllDocuments(output)) {
    if (document.errors.length > 0) throw new RenderError(`${dir} rendered unparsable YAML: ${document.errors[0]?.message}`);
    const value = document.toJS() as unknown;
    if (value === null || value === undefined) continue;
    objects.push(value as KubernetesObject);
  }
  return objects;
}

export function describe(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name ?? '(no name)'}`;
}
