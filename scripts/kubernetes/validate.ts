// Validates one kustomization without a cluster: render it, check every object against the
// Kubernetes API schemas of each target release, then against the project's own rules.
import { checkReferences } from './reference-rules.js';
import { describe, RenderError, renderHelmChart, renderKustomization, type KubernetesObject } from './render.js';
import type { KubernetesSchemas } from './schemas.js';
import { checkWorkload } from './workload-rules.js';

/** The oldest and the newest Kubernetes releases the manifests must be valid for. */
export const supportedKubernetesVersions = ['1.30.0', '1.37.0'] as const;

/** Secrets an installation creates itself, outside Git (docs/deployment.md). */
export const externalSecrets = [
  'gasrapido-gateway-credential',
  'gasrapido-accounts',
  'gasrapido-products',
  'gasrapido-invitations',
  'gasrapido-verification',
  'gasrapido-couriers',
  'gasrapido-orders',
  'gasrapido-payments',
  'gasrapido-notifications',
  'gasrapido-analytics',
  'gasrapido-alerts',
  'gasrapido-api-tls',
] as const;

export interface KustomizationReport {
  dir: string;
  objects: KubernetesObject[];
  problems: string[];
}

export function validateKustomization(dir: string, schemas: readonly KubernetesSchemas[]): KustomizationReport {
  return validateRendering(dir, () => renderKustomization(dir), schemas);
}

/** Validates the Helm chart in `dir` as rendered with its own values (and any `valuesFiles`), like a kustomization. */
export function validateHelmChart(
  dir: string,
  schemas: readonly KubernetesSchemas[],
  valuesFiles: readonly string[] = [],
): KustomizationReport {
  return validateRendering(dir, () => renderHelmChart(dir, valuesFiles), schemas);
}

function validateRendering(dir: string, render: () => KubernetesObject[], schemas: readonly KubernetesSchemas[]): KustomizationReport {
  let objects: KubernetesObject[];
  try {
    objects = render();
  } catch (error) {
    if (error instanceof RenderError) return { dir, objects: [], problems: [error.message] };
    throw error;
  }
  const problems: string[] = [];
  if (objects.length === 0) problems.push('renders no objects');
  for (const object of objects) {
    for (const release of schemas) {
      for (const error of release.check(object)) problems.push(`${describe(object)} (Kubernetes ${release.version}): ${error}`);
    }
  }
  // The rules read fields the schemas vouch for; skip them when the schemas already failed.
  if (problems.length === 0) {
    problems.push(...objects.flatMap(checkWorkload), ...checkReferences(objects, { externalSecrets }));
  }
  return { dir, objects, problems };
}
