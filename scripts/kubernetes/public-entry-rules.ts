// The project's rules for the public entry: an Ingress in front of the gateway. The gateway
// counts anonymous callers (rate limits, invitation lookups) by client address; behind a
// proxy that address is the proxy's unless the gateway is told how many proxies to look past
// in X-Forwarded-For. And the proxy must let through the largest body a client may send: a
// document upload (VERIFICATION_MAX_UPLOAD_BYTES) or a GraphQL request (MAX_REQUEST_BODY_BYTES).
import { describe, type KubernetesObject } from './render.js';
import { podTemplateOf, selects, type Container } from './pod-types.js';

/** The services' own defaults, for a manifest that leaves the variables unset. */
const defaults = {
  GATEWAY_TRUSTED_PROXY_HOPS: '0',
  MAX_REQUEST_BODY_BYTES: String(1_000_000),
  VERIFICATION_MAX_UPLOAD_BYTES: String(10 * 2 ** 20),
};

/** ingress-nginx's body limit when the annotation is absent. */
const NGINX_DEFAULT_BODY_LIMIT = '1m';

export function checkPublicEntry(objects: readonly KubernetesObject[]): string[] {
  const problems: string[] = [];
  const deployment = (name: string) => objects.find((object) => object.kind === 'Deployment' && object.metadata.name === name);
  const services = new Map(objects.filter((object) => object.kind === 'Service').map((service) => [service.metadata.name, service]));
  const gateway = deployment('gateway');
  const verification = deployment('verification');
  for (const ingress of objects.filter((object) => object.kind === 'Ingress')) {
    const spec = (ingress['spec'] ?? {}) as { rules?: Array<{ http?: { paths?: Array<{ backend: { service?: { name: string } } }> } }> };
    const backends = (spec.rules ?? [])
      .flatMap((rule) => rule.http?.paths ?? [])
      .flatMap((path) => (path.backend.service ? [path.backend.service.name] : []));
    const reachesGateway = gateway !== undefined && backends.some((name) => routesTo(services.get(name), gateway));
    if (!reachesGateway) continue;

    const hops = Number(environmentValue(objects, gateway, 'GATEWAY_TRUSTED_PROXY_HOPS') ?? defaults.GATEWAY_TRUSTED_PROXY_HOPS);
    if (!(hops >= 1)) {
      problems.push(
        `${describe(gateway)}: sits behind ${describe(ingress)} but GATEWAY_TRUSTED_PROXY_HOPS is ${hops}; every client would share the ingress's address (set it to the number of proxies in front, 1 for the ingress alone)`,
      );
    }

    const annotation = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'] ?? NGINX_DEFAULT_BODY_LIMIT;
    const limit = nginxSize(annotation);
    const needs: Array<[string, number]> = [
      ['MAX_REQUEST_BODY_BYTES', Number(environmentValue(objects, gateway, 'MAX_REQUEST_BODY_BYTES') ?? defaults.MAX_REQUEST_BODY_BYTES)],
    ];
    if (verification !== undefined) {
      needs.push([
        'VERIFICATION_MAX_UPLOAD_BYTES',
        Number(environmentValue(objects, verification, 'VERIFICATION_MAX_UPLOAD_BYTES') ?? defaults.VERIFICATION_MAX_UPLOAD_BYTES),
      ]);
    }
    if (limit === undefined) {
      problems.push(`${describe(ingress)}: proxy-body-size ${JSON.stringify(annotation)} is not an nginx size`);
      continue;
    }
    for (const [setting, bytes] of needs) {
      if (limit !== Infinity && limit < bytes) {
        problems.push(
          `${describe(ingress)}: proxy-body-size ${annotation} (${limit} bytes) is below ${setting} (${bytes} bytes); the ingress would refuse what the service accepts`,
        );
      }
    }
  }
  return problems;
}

function routesTo(service: KubernetesObject | undefined, deployment: KubernetesObject): boolean {
  const selector = (service?.['spec'] as { selector?: Record<string, string> } | undefined)?.selector;
  return selector !== undefined && selects({ matchLabels: selector }, podTemplateOf(deployment)?.metadata?.labels);
}

/** A variable of a Deployment's first container as the kubelet resolves it from values and ConfigMaps; undefined when unset. */
export function environmentValue(objects: readonly KubernetesObject[], deployment: KubernetesObject, name: string): string | undefined {
  const container: Container | undefined = podTemplateOf(deployment)?.spec.containers[0];
  if (container === undefined) return undefined;
  const configMap = (mapName: string) =>
    (objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === mapName)?.['data'] ?? {}) as Record<string, string>;
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef && name in configMap(source.configMapRef.name)) value = configMap(source.configMapRef.name)[name];
  }
  for (const variable of container.env ?? []) {
    if (variable.name !== name) continue;
    if (variable.value !== undefined) value = variable.value;
    else if (variable.valueFrom?.configMapKeyRef)
      value = configMap(variable.valueFrom.configMapKeyRef.name)[variable.valueFrom.configMapKeyRef.key];
  }
  // An empty variable counts as unset, as the services' configuration does.
  return value === '' ? undefined : value;
}

/** nginx's size syntax ("10m", "512k", "1g", bytes); "0" turns the check off. */
function nginxSize(value: string): number | undefined {
  const match = /^(\d+)([kKmMgG]?)$/.exec(value.trim());
  if (match === null) return undefined;
  const number = Number(match[1]);
  if (number === 0) return Infinity;
  const unit = match[2]!.toLowerCase();
  return number * (unit === 'k' ? 2 ** 10 : unit === 'm' ? 2 ** 20 : unit === 'g' ? 2 ** 30 : 1);
}
