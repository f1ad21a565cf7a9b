// The project's rules for each workload (Deployment, Job), beyond what the API schemas check:
// probes on the kit's endpoints, bounded resources, a locked-down security context, secrets only
// from Secrets, and a termination budget longer than the services' drain.
import { parseQuantity } from './quantity.js';
import { describe, type KubernetesObject } from './render.js';
import { podTemplateOf, type Container, type PodSpec } from './pod-types.js';

/** How long a service may take to drain HTTP after SIGTERM: the kit's shutdown grace (10 s). */
export const SERVICE_DRAIN_SECONDS = 10;

/** Environment variables that hold credentials: they must come from a Secret. */
const secretName = /SECRET|PASSWORD|TOKEN|DATABASE_URL|PRIVATE_KEY/;

export function checkWorkload(object: KubernetesObject): string[] {
  const template = podTemplateOf(object);
  if (template === undefined) return [];
  const where = describe(object);
  const pod = template.spec;
  const problems: string[] = [];
  if (pod.automountServiceAccountToken !== false) {
    problems.push(`${where}: set automountServiceAccountToken: false (the services never call the Kubernetes API)`);
  }
  if (pod.enableServiceLinks !== false) {
    problems.push(`${where}: set enableServiceLinks: false (Service links inject <NAME>_PORT=tcp://… and clash with the port settings)`);
  }
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const at = `${where} container ${container.name}`;
    problems.push(...checkSecurity(at, pod, container), ...checkResources(at, container), ...checkSecretsInEnv(at, container));
  }
  if (object.kind === 'Deployment') {
    for (const container of pod.containers) problems.push(...checkServiceLifecycle(`${where} container ${container.name}`, pod, container));
  }
  return problems;
}

function checkSecurity(at: string, pod: PodSpec, container: Container): string[] {
  const problems: string[] = [];
  const context = container.securityContext ?? {};
  if ((context.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) problems.push(`${at}: must run with runAsNonRoot: true`);
  const user = context.runAsUser ?? pod.securityContext?.runAsUser;
  if (typeof user !== 'number' || user === 0) {
    problems.push(`${at}: needs a numeric, non-zero runAsUser (the image's user is named, so the kubelet cannot check it)`);
  }
  if (context.allowPrivilegeEscalation !== false) problems.push(`${at}: set allowPrivilegeEscalation: false`);
  if (context.readOnlyRootFilesystem !== true) problems.push(`${at}: set readOnlyRootFilesystem: true`);
  if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: drop ALL capabilities`);
  return problems;
}

function checkResources(at: string, container: Container): string[] {
  const problems: string[] = [];
  for (const resource of ['cpu', 'memory']) {
    const request = container.resources?.requests?.[resource];
    const limit = container.resources?.limits?.[resource];
    if (request === undefined) problems.push(`${at}: no ${resource} request`);
    if (limit === undefined) problems.push(`${at}: no ${resource} limit`);
    const requested = parseQuantity(request);
    const limited = parseQuantity(limit);
    if (request !== undefined && requested === undefined) problems.push(`${at}: ${resource} request ${String(request)} is not a quantity`);
    if (limit !== undefined && limited === undefined) problems.push(`${at}: ${resource} limit ${String(limit)} is not a quantity`);
    if (requested !== undefined && limited !== undefined && requested > limited) {
      problems.push(`${at}: ${resource} request ${String(request)} exceeds its limit ${String(limit)}`);
    }
  }
  return problems;
}

function checkSecretsInEnv(at: string, container: Container): string[] {
  return (container.env ?? [])
    .filter((variable) => secretName.test(variable.name) && variable.valueFrom?.secretKeyRef === undefined)
    .map((variable) => `${at}: ${variable.name} must come from a Secret (valueFrom.secretKeyRef)`);
}

/** A long-running service: probes on /ready and /health, and a graceful stop. */
function checkServiceLifecycle(at: string, pod: PodSpec, container: Container): string[] {
  const problems: string[] = [];
  const ports = container.ports ?? [];
  for (const [probe, path] of [
    ['readinessProbe', '/ready'],
    ['livenessProbe', '/health'],
  ] as const) {
    const check = container[probe]?.httpGet;
    if (check?.path !== path) {
      problems.push(`${at}: ${probe} must be an HTTP GET of ${path}`);
    } else if (!ports.some((port) => port.name === check.port || port.containerPort === check.port)) {
      problems.push(`${at}: ${probe} port ${String(check.port)} is not a port of the container`);
    }
  }
  const preStop = container.lifecycle?.preStop;
  const command = preStop?.exec?.command;
  const pause = preStop?.sleep?.seconds ?? (command?.[0] === 'sleep' ? Number(command[1]) : undefined);
  if (pause === undefined || !(pause > 0)) {
    problems.push(`${at}: needs a preStop sleep, so that endpoints are removed before SIGTERM`);
  }
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const needed = (pause ?? 0) + SERVICE_DRAIN_SECONDS;
  if (!(grace > needed)) {
    problems.push(
      `${at}: terminationGracePeriodSeconds ${grace} must exceed the preStop pause plus the ${SERVICE_DRAIN_SECONDS} s drain (${needed} s)`,
    );
  }
  return problems;
}
