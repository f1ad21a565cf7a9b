// The project's rules across objects: what one object names must exist in the rendering
// (ConfigMaps and their keys, Secrets unless created outside Git, Services' pods and ports,
// autoscaler targets, disruption budgets), every service is autoscaled, budgeted and behind a
// NetworkPolicy, and no subgraph port is open to everyone.
import { checkPublicEntry } from './public-entry-rules.js';
import { describe, type KubernetesObject } from './render.js';
import { podTemplateOf, selects, type Container, type LabelSelector, type PodTemplate } from './pod-types.js';

interface Workload {
  object: KubernetesObject;
  template: PodTemplate;
}

export interface ReferenceOptions {
  /** Secrets created outside the manifests (docs/deployment.md), which may be referenced. */
  externalSecrets: readonly string[];
}

export function checkReferences(objects: readonly KubernetesObject[], options: ReferenceOptions): string[] {
  const workloads = objects.flatMap((object) => {
    const template = podTemplateOf(object);
    return template === undefined ? [] : [{ object, template }];
  });
  const deployments = workloads.filter((workload) => workload.object.kind === 'Deployment');
  return [
    ...checkConfigReferences(objects, workloads, options),
    ...checkServices(objects, deployments),
    ...checkScaling(objects, deployments),
    ...checkNetworkPolicies(objects, deployments),
    ...checkIngresses(objects, deployments),
    ...checkPublicEntry(objects),
  ];
}

function ofKind(objects: readonly KubernetesObject[], kind: string): KubernetesObject[] {
  return objects.filter((object) => object.kind === kind);
}

function specOf<Spec>(object: KubernetesObject): Spec {
  return (object['spec'] ?? {}) as Spec;
}

function checkConfigReferences(objects: readonly KubernetesObject[], workloads: readonly Workload[], options: ReferenceOptions): string[] {
  const problems: string[] = [];
  const configMaps = new Map(ofKind(objects, 'ConfigMap').map((map) => [map.metadata.name, (map['data'] ?? {}) as Record<string, string>]));
  const secrets = new Set([...ofKind(objects, 'Secret').map((secret) => secret.metadata.name), ...options.externalSecrets]);
  for (const [name, data] of configMaps) {
    for (const key of Object.keys(data)) {
      if (/SECRET|PASSWORD|TOKEN|DATABASE_URL|PRIVATE_KEY/.test(key))
        problems.push(`ConfigMap/${name}: ${key} is a credential; keep it in a Secret`);
    }
  }
  const needConfigMap = (at: string, name: string, key?: string) => {
    const data = configMaps.get(name);
    if (data === undefined) problems.push(`${at}: ConfigMap ${name} is not in the manifests`);
    else if (key !== undefined && !(key in data)) problems.push(`${at}: ConfigMap ${name} has no key ${key}`);
  };
  const needSecret = (at: string, name: string) => {
    if (!secrets.has(name)) problems.push(`${at}: Secret ${name} is neither in the manifests nor one of the documented external Secrets`);
  };
  for (const { object, template } of workloads) {
    const containers: Container[] = [...(template.spec.initContainers ?? []), ...template.spec.containers];
    for (const container of containers) {
      const at = `${describe(object)} container ${container.name}`;
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && source.configMapRef.optional !== true) needConfigMap(at, source.configMapRef.name);
        if (source.secretRef && source.secretRef.optional !== true) needSecret(at, source.secretRef.name);
      }
      for (const variable of container.env ?? []) {
        const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
        if (configMapKeyRef && configMapKeyRef.optional !== true)
          needConfigMap(`${at} ${variable.name}`, configMapKeyRef.name, configMapKeyRef.key);
        if (secretKeyRef && secretKeyRef.optional !== true) needSecret(`${at} ${variable.name}`, secretKeyRef.name);
      }
    }
    for (const volume of template.spec.volumes ?? []) {
      if (volume.configMap && volume.configMap.optional !== true) needConfigMap(describe(object), volume.configMap.name);
      if (volume.secret && volume.secret.optional !== true) needSecret(describe(object), volume.secret.secretName);
    }
  }
  return problems;
}

function checkServices(objects: readonly KubernetesObject[], deployments: readonly Workload[]): string[] {
  const problems: string[] = [];
  for (const service of ofKind(objects, 'Service')) {
    const spec = specOf<{
      type?: string;
      selector?: Record<string, string>;
      ports?: Array<{ targetPort?: string | number; port: number }>;
    }>(service);
    const backends = deployments.filter(
      (workload) => spec.selector !== undefined && selects({ matchLabels: spec.selector }, workload.template.metadata?.labels),
    );
    if (backends.length === 0) {
      problems.push(`${describe(service)}: its selector matches no Deployment's pods`);
      continue;
    }
    if (
      backends.some((backend) => backend.object.metadata.labels?.['app.kubernetes.io/component'] === 'subgraph') &&
      (spec.type ?? 'ClusterIP') !== 'ClusterIP'
    ) {
      problems.push(`${describe(service)}: a subgraph is private; its Service must be ClusterIP, not ${spec.type}`);
    }
    for (const port of spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const served = backends.every((backend) =>
        backend.template.spec.containers.some((container) =>
          (container.ports ?? []).some((p) => p.name === target || p.containerPort === target),
        ),
      );
      if (!served) problems.push(`${describe(service)}: targetPort ${String(target)} is not a port of its pods`);
    }
  }
  return problems;
}

function checkScaling(objects: readonly KubernetesObject[], deployments: readonly Workload[]): string[] {
  const problems: string[] = [];
  const autoscalers = ofKind(objects, 'HorizontalPodAutoscaler');
  const budgets = ofKind(objects, 'PodDisruptionBudget');
  for (const autoscaler of autoscalers) {
    const target = specOf<{ scaleTargetRef: { kind: string; name: string } }>(autoscaler).scaleTargetRef;
    if (!deployments.some((workload) => workload.object.kind === target.kind && workload.object.metadata.name === target.name)) {
      problems.push(`${describe(autoscaler)}: scales ${target.kind}/${target.name}, which is not in the manifests`);
    }
  }
  for (const budget of budgets) {
    const selector = specOf<{ selector?: LabelSelector }>(budget).selector;
    if (!deployments.some((workload) => selects(selector, workload.template.metadata?.labels))) {
      problems.push(`${describe(budget)}: its selector matches no Deployment's pods`);
    }
  }
  for (const { object, template } of deployments) {
    const scaling = autoscalers.filter((autoscaler) => {
      const target = specOf<{ scaleTargetRef: { kind: string; name: string } }>(autoscaler).scaleTargetRef;
      return target.kind === 'Deployment' && target.name === object.metadata.name;
    });
    if (scaling.length !== 1) problems.push(`${describe(object)}: needs exactly one HorizontalPodAutoscaler (has ${scaling.length})`);
    const minReplicas = scaling[0] === undefined ? undefined : (specOf<{ minReplicas?: number }>(scaling[0]).minReplicas ?? 1);
    if (minReplicas !== undefined && minReplicas < 2) {
      problems.push(
        `${describe(object)}: its autoscaler's minReplicas ${minReplicas} leaves no instance during a disruption; use 2 or more`,
      );
    }
    const budgeted = budgets.filter((budget) => selects(specOf<{ selector?: LabelSelector }>(budget).selector, template.metadata?.labels));
    if (budgeted.length !== 1) problems.push(`${describe(object)}: needs exactly one PodDisruptionBudget (has ${budgeted.length})`);
  }
  return problems;
}

interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: Array<{ from?: unknown[]; ports?: unknown[] }>;
}

function checkNetworkPolicies(objects: readonly KubernetesObject[], deployments: readonly Workload[]): string[] {
  const problems: string[] = [];
  const policies = ofKind(objects, 'NetworkPolicy').map((policy) => ({ policy, spec: specOf<NetworkPolicySpec>(policy) }));
  for (const { object, template } of deployments) {
    const applying = policies.filter(
      ({ spec }) => (spec.policyTypes ?? ['Ingress']).includes('Ingress') && selects(spec.podSelector, template.metadata?.labels),
    );
    if (applying.length === 0) problems.push(`${describe(object)}: no NetworkPolicy restricts who may connect to its pods`);
    if (object.metadata.labels?.['app.kubernetes.io/component'] !== 'subgraph') continue;
    for (const { policy, spec } of applying) {
      if ((spec.ingress ?? []).some((rule) => (rule.from ?? []).length === 0)) {
        problems.push(`${describe(policy)}: opens subgraph ${object.metadata.name} to every source; name the allowed pods in "from"`);
      }
    }
  }
  return problems;
}

function checkIngresses(objects: readonly KubernetesObject[], deployments: readonly Workload[]): string[] {
  const problems: string[] = [];
  const services = new Map(ofKind(objects, 'Service').map((service) => [service.metadata.name, service]));
  for (const ingress of ofKind(objects, 'Ingress')) {
    const rules = specOf<{ rules?: Array<{ http?: { paths?: Array<{ backend: { service?: { name: string } } }> } }> }>(ingress).rules ?? [];
    for (const path of rules.flatMap((rule) => rule.http?.paths ?? [])) {
      const name = path.backend.service?.name;
      if (name === undefined) continue;
      const service = services.get(name);
      if (service === undefined) {
        problems.push(`${describe(ingress)}: routes to Service ${name}, which is not in the manifests`);
        continue;
      }
      const selector = specOf<{ selector?: Record<string, string> }>(service).selector;
      const backends = deployments.filter(
        (workload) => selector !== undefined && selects({ matchLabels: selector }, workload.template.metadata?.labels),
      );
      if (backends.some((backend) => backend.object.metadata.labels?.['app.kubernetes.io/component'] === 'subgraph')) {
        problems.push(`${describe(ingress)}: exposes subgraph Service ${name}; only the gateway is public`);
      }
    }
  }
  return problems;
}
