// The parts of Kubernetes objects the project's rules read. Objects arrive already checked
// against the API schemas, so these shapes only narrow `unknown` for the rules.
import type { KubernetesObject } from './render.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface Probe {
  httpGet?: { path?: string; port?: string | number };
}

export interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds?: number } } };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: Array<{ configMap?: { name: string; optional?: boolean }; secret?: { secretName: string; optional?: boolean } }>;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

/** The pod template of a Deployment or a Job; undefined for other kinds. */
export function podTemplateOf(object: KubernetesObject): PodTemplate | undefined {
  if (object.kind !== 'Deployment' && object.kind !== 'Job') return undefined;
  return (object['spec'] as { template?: PodTemplate } | undefined)?.template;
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined) return false;
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (actual[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const present = expression.key in actual;
    const value = actual[expression.key];
    const listed = value !== undefined && (expression.values ?? []).includes(value);
    const holds =
      expression.operator === 'In'
        ? listed
        : expression.operator === 'NotIn'
          ? !listed
          : expression.operator === 'Exists'
            ? present
            : !present;
    if (!holds) return false;
  }
  return true;
}
