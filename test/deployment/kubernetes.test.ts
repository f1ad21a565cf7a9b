import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#kit';
import { parseGatewaySettings } from '../../gateway/src/config.js';
import { parseAnalyticsSettings } from '../../subgraphs/analytics/src/config.js';
import { parseVerificationSettings } from '../../subgraphs/verification/src/config.js';
import { ensureSchemas, KubernetesSchemas } from '../../scripts/kubernetes/schemas.js';
import type { KubernetesObject } from '../../scripts/kubernetes/render.js';
import type { Container } from '../../scripts/kubernetes/pod-types.js';
import { ensureHelm } from '../../scripts/kubernetes/helm.js';
import { supportedKubernetesVersions, validateHelmChart, validateKustomization } from '../../scripts/kubernetes/validate.js';
import { subgraphModules } from '../../platform/src/subgraph-modules.js';

const manifests = join(projectRoot, 'deploy', 'kubernetes');
const production = join(manifests, 'overlays', 'production');
let schemas: KubernetesSchemas[];

beforeAll(() => {
  // `npm run check` has fetched them already; on a bare machine this fetches them once.
  const cacheRoot = process.env['GASRAPIDO_CACHE_DIR'] || join(homedir(), '.cache', 'gasrapido');
  schemas = [...ensureSchemas(cacheRoot, supportedKubernetesVersions)].map(([version, dir]) => new KubernetesSchemas(version, dir));
}, 120_000);

/** A copy of deploy/kubernetes in a temp dir, with one file edited. */
const copies: string[] = [];
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gasrapido-k8s-'));
  copies.push(dir);
  cpSync(manifests, dir, { recursive: true });
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const edited = edit(text);
  expect(edited, `the edit of ${file} changed nothing`).not.toBe(text);
  writeFileSync(path, edited);
  return join(dir, 'overlays', 'production');
}
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problemsOf(dir: string): string {
  return validateKustomization(dir, schemas).problems.join('\n');
}

describe('the Kubernetes manifests', () => {
  it('validate, base and production overlay, against both Kubernetes releases and the project rules', () => {
    for (const dir of [join(manifests, 'base'), production]) {
      const report = validateKustomization(dir, schemas);
      expect(report.problems).toEqual([]);
      expect(report.objects.length).toBeGreaterThan(15);
    }
  });

  it('give each service a Deployment, an autoscaler and a disruption budget, and run migrations as a Job', () => {
    const { objects } = validateKustomization(production, schemas);
    const names = (kind: string) =>
      objects
        .filter((object) => object.kind === kind)
        .map((object) => object.metadata.name)
        .sort();
    const services = ['gateway', ...subgraphModules.map((module) => module.name)].sort();
    expect(names('Deployment')).toEqual(services);
    expect(names('HorizontalPodAutoscaler')).toEqual(services);
    expect(names('PodDisruptionBudget')).toEqual(services);
    const job = objects.find((object) => object.kind === 'Job');
    const container = (job?.['spec'] as { template: { spec: { containers: Array<{ command?: string[] }> } } }).template.spec.containers[0];
    expect(container?.command).toEqual(['node', '--conditions=production', 'dist/scripts/deploy-migrations.js']);
  });

  it('give every service an environment that its own configuration parser accepts in production', () => {
    const { objects } = validateKustomization(production, schemas);
    const parsers: Record<string, (environment: Record<string, string>) => unknown> = {
      gateway: parseGatewaySettings,
      ...Object.fromEntries(subgraphModules.map((module) => [module.name, module.parseSettings])),
    };
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      const environment = containerEnvironment(objects, deployment);
      expect(environment['NODE_ENV']).toBe('production');
      expect(environment['SERVICE']).toBe(deployment.metadata.name);
      const parse = parsers[deployment.metadata.name];
      expect(parse, deployment.metadata.name).toBeDefined();
      expect(() => parse?.(environment)).not.toThrow();
    }
    const gateway = parseGatewaySettings(
      containerEnvironment(
        objects,
        objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'gateway')!,
      ),
    );
    expect(gateway.subgraphUrls).toEqual(
      Object.fromEntries(subgraphModules.map((module) => [module.name, `http://${module.name}:${module.defaultPort}/graphql`])),
    );
    expect(gateway.kafkaBrokers.length).toBeGreaterThan(0);
    expect(gateway.host).toBe('0.0.0.0');
  });

  it('reject a misspelt field, naming it', () => {
    const problems = problemsOf(brokenCopy('base/gateway.yaml', (text) => text.replace('readinessProbe:', 'readinesProbe:')));
    expect(problems).toMatch(
      /Deployment\/gateway \(Kubernetes 1\.30\.0\): \/spec\/template\/spec\/containers\/0 has unknown field "readinesProbe"/,
    );
  });

  it('reject a value of the wrong type', () => {
    const problems = problemsOf(brokenCopy('base/products.yaml', (text) => text.replace('replicas: 2', 'replicas: two')));
    expect(problems).toMatch(/Deployment\/products .*\/spec\/replicas must be integer/);
  });

  it('reject a kustomization that does not render', () => {
    const problems = problemsOf(brokenCopy('base/kustomization.yaml', (text) => text.replace('  - products.yaml', '  - missing.yaml')));
    expect(problems).toMatch(/could not render .*missing\.yaml/);
  });

  it('reject a subgraph port opened to every source', () => {
    const problems = problemsOf(
      brokenCopy('base/network-policies.yaml', (text) =>
        text.replace(
          /(name: products-ingress[\s\S]*?ingress:\n)    - from:\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io\/name: gateway\n      ports:/,
          '$1    - ports:',
        ),
      ),
    );
    expect(problems).toMatch(/NetworkPolicy\/products-ingress: opens subgraph products to every source/);
  });

  it('reject a credential given as a plain value or kept in the ConfigMap', () => {
    const literal = problemsOf(
      brokenCopy('base/accounts.yaml', (text) =>
        text.replace(
          /- name: SIGNING_KEY_ENCRYPTION_SECRET\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: gasrapido-accounts\n\s+key: SIGNING_KEY_ENCRYPTION_SECRET/,
          '- name: SIGNING_KEY_ENCRYPTION_SECRET\n              value: change-me-please-now',
        ),
      ),
    );
    expect(literal).toMatch(/container accounts: SIGNING_KEY_ENCRYPTION_SECRET must come from a Secret/);
    const inConfig = problemsOf(brokenCopy('base/config.env', (text) => `${text}PRODUCTS_DATABASE_URL=postgresql://u:p@db/products\n`));
    expect(inConfig).toMatch(/ConfigMap\/gasrapido-config-\w+: PRODUCTS_DATABASE_URL is a credential/);
  });

  it('reject a service without probes on /ready and /health, a preStop pause or a long enough termination grace', () => {
    const problems = problemsOf(
      brokenCopy('base/gateway.yaml', (text) =>
        text.replace('path: /ready', 'path: /health').replace(/\n\s+lifecycle:[\s\S]*?command: \["sleep", "10"\]/, ''),
      ),
    );
    expect(problems).toMatch(/container gateway: readinessProbe must be an HTTP GET of \/ready/);
    expect(problems).toMatch(/container gateway: needs a preStop sleep/);
    const short = problemsOf(
      brokenCopy('base/products.yaml', (text) => text.replace('terminationGracePeriodSeconds: 45', 'terminationGracePeriodSeconds: 20')),
    );
    expect(short).toMatch(
      /container products: terminationGracePeriodSeconds 20 must exceed the preStop pause plus the 10 s drain \(20 s\)/,
    );
  });

  it('reject a container that may run as root or write its root filesystem, or has no limits', () => {
    const problems = problemsOf(
      brokenCopy('base/products.yaml', (text) =>
        text
          .replace('runAsUser: 1000', 'runAsUser: 0')
          .replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false')
          .replace(/            limits:\n              cpu: "1"\n/, '            limits:\n'),
      ),
    );
    expect(problems).toMatch(/container products: needs a numeric, non-zero runAsUser/);
    expect(problems).toMatch(/container products: set readOnlyRootFilesystem: true/);
    expect(problems).toMatch(/container products: no cpu limit/);
  });

  it('reject a Deployment without an autoscaler, and a reference to a Secret nobody creates', () => {
    const problems = problemsOf(
      brokenCopy('base/accounts.yaml', (text) =>
        text
          .replace(/---\napiVersion: autoscaling\/v2[\s\S]*?---\n/, '---\n')
          .replace(
            'name: gasrapido-accounts\n                  key: ACCOUNTS_DATABASE_URL',
            'name: gasrapido-acounts\n                  key: ACCOUNTS_DATABASE_URL',
          ),
      ),
    );
    expect(problems).toMatch(/Deployment\/accounts: needs exactly one HorizontalPodAutoscaler \(has 0\)/);
    expect(problems).toMatch(/Secret gasrapido-acounts is neither in the manifests nor one of the documented external Secrets/);
  });

  describe('public entry (the production Ingress)', () => {
    const deploymentEnvironment = (name: string) => {
      const { objects } = validateKustomization(production, schemas);
      return containerEnvironment(
        objects,
        objects.find((object) => object.kind === 'Deployment' && object.metadata.name === name)!,
      );
    };

    it('tells the gateway one proxy stands in front, so each client is rate-limited on its own address', () => {
      expect(parseGatewaySettings(deploymentEnvironment('gateway')).protection.rateLimits.trustedProxyHops).toBe(1);
    });

    it('lets a full-size document upload through the ingress', () => {
      const { objects } = validateKustomization(production, schemas);
      const ingress = objects.find((object) => object.kind === 'Ingress')!;
      const bodyLimit = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'];
      const verification = parseVerificationSettings(deploymentEnvironment('verification'));
      expect(verification.maxUploadBytes).toBe(10 * 2 ** 20);
      expect(bodyLimit).toMatch(/^\d+m$/);
      expect(Number.parseInt(bodyLimit!, 10) * 2 ** 20).toBeGreaterThanOrEqual(verification.maxUploadBytes);
    });

    it('gives document and report links the ingress host', () => {
      const { objects } = validateKustomization(production, schemas);
      const host = (objects.find((object) => object.kind === 'Ingress')!['spec'] as { rules: Array<{ host: string }> }).rules[0]!.host;
      expect(parseVerificationSettings(deploymentEnvironment('verification')).publicUrl).toBe(`https://${host}`);
      expect(parseAnalyticsSettings(deploymentEnvironment('analytics')).reports.publicUrl).toBe(`https://${host}`);
    });

    it('shows how to allow a web app’s origin (CORS)', () => {
      expect(deploymentEnvironment('gateway')['GATEWAY_CORS_ORIGINS']).toBe('https://app.gasrapido.example');
    });

    it('rejects a gateway behind the ingress that trusts no proxy, and an ingress body limit below the upload limit', () => {
      const dir = brokenCopy('overlays/production/kustomization.yaml', (text) =>
        text.replace('      - GATEWAY_TRUSTED_PROXY_HOPS=1\n', ''),
      );
      expect(problemsOf(dir)).toMatch(/Deployment\/gateway: sits behind Ingress\/gateway but GATEWAY_TRUSTED_PROXY_HOPS is 0/);
      const small = brokenCopy('overlays/production/ingress.yaml', (text) => text.replace('proxy-body-size: 10m', 'proxy-body-size: 1m'));
      expect(problemsOf(small)).toMatch(
        /Ingress\/gateway: proxy-body-size 1m \(1048576 bytes\) is below VERIFICATION_MAX_UPLOAD_BYTES \(10485760 bytes\)/,
      );
    });
  });

  it('make `npm run k8s:validate` exit non-zero on a broken manifest', async () => {
    const dir = brokenCopy('base/gateway.yaml', (text) => text.replace('kind: PodDisruptionBudget', 'kind: PodDisruptionBudgit'));
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'validate-kubernetes.ts'), dir], {
      cwd: projectRoot,
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/policy\/v1 PodDisruptionBudgit is not a kind of Kubernetes/),
    });
  });
});

describe('the Helm chart', () => {
  const chart = join(projectRoot, 'deploy', 'helm', 'gasrapido');
  // helm from PATH, or built once from the Go module proxy and cached (scripts/kubernetes/helm.ts).
  beforeAll(() => void ensureHelm(), 30 * 60_000);

  const valuesFile = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'gasrapido-helm-'));
    copies.push(dir);
    writeFileSync(join(dir, 'values.yaml'), text);
    return join(dir, 'values.yaml');
  };

  it('renders, with its default values, what the production overlay installs, valid by the same rules', () => {
    const report = validateHelmChart(chart, schemas);
    expect(report.problems).toEqual([]);
    const overlay = validateKustomization(production, schemas).objects;
    const kinds = (objects: readonly KubernetesObject[]) =>
      objects
        .filter((object) => object.kind !== 'Namespace')
        .map((object) => `${object.kind}/${object.kind === 'ConfigMap' ? 'gasrapido-config' : object.metadata.name}`)
        .sort();
    expect(kinds(report.objects)).toEqual(kinds(overlay));
  });

  it('gives every service an environment its own production configuration accepts, behind the ingress with one trusted hop', () => {
    const { objects } = validateHelmChart(chart, schemas);
    const parsers: Record<string, (environment: Record<string, string>) => unknown> = {
      gateway: parseGatewaySettings,
      ...Object.fromEntries(subgraphModules.map((module) => [module.name, module.parseSettings])),
    };
    for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
      const environment = containerEnvironment(objects, deployment);
      expect(() => parsers[deployment.metadata.name]!(environment), deployment.metadata.name).not.toThrow();
    }
    const gateway = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'gateway')!;
    expect(parseGatewaySettings(containerEnvironment(objects, gateway)).protection.rateLimits.trustedProxyHops).toBe(1);
    const verification = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'verification')!;
    expect(parseVerificationSettings(containerEnvironment(objects, verification)).publicUrl).toBe('https://api.gasrapido.example');
  });

  it('is refused by the validation when values undo the ingress fixes', () => {
    const values = valuesFile(
      'ingress:\n  enabled: true\n  className: nginx\n  tlsSecretName: gasrapido-api-tls\n  proxyBodySize: 1m\nconfig:\n  GATEWAY_TRUSTED_PROXY_HOPS: "0"\n',
    );
    const problems = validateHelmChart(chart, schemas, [values]).problems.join('\n');
    expect(problems).toMatch(/Deployment\/gateway: sits behind Ingress\/gateway but GATEWAY_TRUSTED_PROXY_HOPS is 0/);
    expect(problems).toMatch(/Ingress\/gateway: proxy-body-size 1m .* is below VERIFICATION_MAX_UPLOAD_BYTES/);
  });
});

/** The environment the kubelet would give a Deployment's first container, with stand-in secrets. */
function containerEnvironment(objects: readonly KubernetesObject[], deployment: KubernetesObject): Record<string, string> {
  const container = (deployment['spec'] as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;
  const configMap = (name: string) =>
    (objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name)?.['data'] ?? {}) as Record<string, string>;
  // Stand-ins shaped like what each secret holds: a connection URL where one is expected.
  const secret = (key: string) =>
    key.endsWith('DATABASE_URL')
      ? `postgresql://gasrapido:secret@db.example/${key.toLowerCase()}`
      : key.endsWith('SMTP_URL')
        ? 'smtps://gasrapido:secret@smtp.example:465'
        : `stand-in-${key.toLowerCase()}-0123456789`;
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) if (source.configMapRef) Object.assign(environment, configMap(source.configMapRef.name));
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom;
    if (variable.value !== undefined) environment[variable.name] = variable.value;
    else if (reference?.configMapKeyRef)
      environment[variable.name] = configMap(reference.configMapKeyRef.name)[reference.configMapKeyRef.key] ?? '';
    else if (reference?.secretKeyRef) environment[variable.name] = secret(reference.secretKeyRef.key);
  }
  return environment;
}
