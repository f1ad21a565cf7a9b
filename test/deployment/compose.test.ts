import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '#kit';
import { parseGatewaySettings } from '../../gateway/src/config.js';
import { parseAccountsSettings } from '../../subgraphs/accounts/src/config.js';
import { parseProductsSettings } from '../../subgraphs/products/src/config.js';
import { parseAnalyticsSettings } from '../../subgraphs/analytics/src/config.js';
import { parseVerificationSettings } from '../../subgraphs/verification/src/config.js';
import { subgraphModules } from '../../platform/src/subgraph-modules.js';

interface ComposeService {
  profiles?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, unknown> | string[];
  volumes?: string[];
}

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const observability = ['grafana', 'jaeger', 'prometheus'];
const gasrapido = ['accounts', 'gateway', 'products'];

/** The metric names the services export (issue 4), which the dashboard may use. */
const agreedMetrics = [
  // The names kit/src/observability exports (docs/observability.md).
  'gasrapido_http_request_duration_seconds',
  'gasrapido_graphql_requests_total',
  'gasrapido_graphql_errors_total',
  'gasrapido_graphql_request_duration_seconds',
  'gasrapido_subgraph_fetch_duration_seconds',
  'gasrapido_subgraph_fetch_errors_total',
  'gasrapido_events_published_total',
  'gasrapido_events_consumed_total',
  'gasrapido_event_consumer_lag',
  'gasrapido_event_retries_total',
  'gasrapido_events_dead_lettered_total',
  'gasrapido_subscriptions_open',
  'gasrapido_db_pool_connections',
  'gasrapido_circuit_state',
];

/** `.env.example` as the operator fills it: every secret, left empty there, gets a fresh random value. */
function filledDotEnv(): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const [name, value] of Object.entries(exampleDotEnv())) filled[name] = isSecret(name) ? randomBytes(36).toString('base64') : value;
  return filled;
}

const isSecret = (name: string) => /(SECRET|PASSWORD)$/.test(name);

function exampleDotEnv(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of read('.env.example').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, and `${VAR:?message}`, which refuses to start. */
function interpolate(text: string, dotEnv: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (_, name: string, colon: string, operator: string, argument: string) => {
      const value = dotEnv[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing) return value;
      if (operator === '?') throw new Error(`required variable ${name} is missing a value: ${argument}`);
      return operator === '-' ? argument : '';
    },
  );
}

/** A service's environment as Compose gives it, with a .env filled from .env.example. */
const dotEnv = filledDotEnv();
function environmentOf(name: string): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(services[name]?.environment ?? {})) environment[key] = interpolate(String(value), dotEnv);
  return environment;
}

function dependenciesOf(service: ComposeService): string[] {
  return Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
}

describe('docker-compose.yml', () => {
  it('keeps Prometheus, Grafana and Jaeger in the observability profile, so the core stack starts without them', () => {
    const profiled = Object.entries(services).filter(([, service]) => service.profiles !== undefined);
    expect(profiled.map(([name]) => name).sort()).toEqual(observability);
    for (const [, service] of profiled) expect(service.profiles).toEqual(['observability']);
    for (const [name, service] of Object.entries(services)) {
      if (observability.includes(name)) continue;
      expect(
        dependenciesOf(service).filter((dependency) => observability.includes(dependency)),
        name,
      ).toEqual([]);
    }
  });

  it('gives every service Kafka, traces to Jaeger, and an environment its own configuration parser accepts', () => {
    const parsers = { gateway: parseGatewaySettings, accounts: parseAccountsSettings, products: parseProductsSettings };
    for (const name of gasrapido) {
      const environment = environmentOf(name);
      expect(environment['SERVICE']).toBe(name);
      expect(environment['KAFKA_BROKERS']).toBe('kafka:9092');
      expect(environment['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://jaeger:4318');
      const settings = parsers[name as keyof typeof parsers](environment);
      expect(settings.kafkaBrokers).toEqual(['kafka:9092']);
      expect(dependenciesOf(services[name]!)).toContain('kafka');
    }
  });

  it('has Prometheus scrape every service on its own port at /metrics', () => {
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.flatMap((job) => {
      expect(job.metrics_path ?? '/metrics').toBe('/metrics');
      return job.static_configs.flatMap((config) => config.targets);
    });
    const expected = gasrapido.map((name) => `${name}:${environmentOf(name)[`${name.toUpperCase()}_PORT`]}`);
    expect(targets.sort()).toEqual(expected.sort());
    expect(services['prometheus']?.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it('provisions Grafana with a golden-signals dashboard whose queries parse as PromQL and use only the agreed metrics', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/golden-signals.json')) as {
      panels: Array<{
        type: string;
        title: string;
        datasource?: { uid: string };
        targets?: Array<{ expr: string; datasource?: { uid: string } }>;
      }>;
    };
    const datasources = parse(read('deploy/grafana/provisioning/datasources/datasources.yml')) as {
      datasources: Array<{ uid: string; url: string }>;
    };
    const provider = parse(read('deploy/grafana/provisioning/dashboards/dashboards.yml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(services['grafana']?.volumes).toContain(`./deploy/grafana/dashboards:${provider.providers[0]?.options.path}:ro`);
    expect(datasources.datasources.find((source) => source.uid === 'prometheus')?.url).toBe('http://prometheus:9090');

    const used = new Set<string>();
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid ?? panel.datasource?.uid).toBe('prometheus');
        // Grafana substitutes its variables before Prometheus sees the query.
        const query = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$service', '.*');
        let valid = true;
        promql.parse(query).iterate({
          enter: (node) => {
            if (node.type.isError) valid = false;
            if (node.name === 'Identifier') used.add(query.slice(node.from, node.to).replace(/_(bucket|count|sum)$/, ''));
          },
        });
        expect(valid, `${panel.title}: ${query}`).toBe(true);
      }
    }
    expect([...used].filter((metric) => !agreedMetrics.includes(metric))).toEqual([]);
    expect(agreedMetrics.filter((metric) => !used.has(metric))).toEqual([]);
  });

  describe('secrets', () => {
    const referenced = [...read('docker-compose.yml').matchAll(/\$\{([A-Z_][A-Z0-9_]*)([^}]*)\}/g)].map(([, name, rest]) => ({
      name: name!,
      rest: rest!,
    }));
    const secretNames = [...new Set(referenced.map((reference) => reference.name).filter(isSecret))].sort();

    it('come only from .env: no fallback value, and Compose refuses to start without them', () => {
      expect(secretNames.length).toBeGreaterThanOrEqual(7);
      for (const { name, rest } of referenced.filter((reference) => secretNames.includes(reference.name))) {
        expect(rest, `\${${name}${rest}}`).toMatch(/^:\?/);
      }
      const withoutDotEnv = () => interpolate(read('docker-compose.yml'), {});
      expect(withoutDotEnv).toThrow(/required variable GATEWAY_SHARED_SECRET is missing a value: set GATEWAY_SHARED_SECRET in \.env/);
    });

    it('are all listed in .env.example, left empty so that nobody runs on a published value', () => {
      const example = exampleDotEnv();
      for (const name of secretNames) expect(example[name], name).toBe('');
      expect(() => interpolate(read('docker-compose.yml'), example)).toThrow(/is missing a value/);
    });

    it('filled in .env, give every service an environment its production configuration accepts', () => {
      const parsers: Record<string, (environment: Record<string, string>) => unknown> = {
        gateway: parseGatewaySettings,
        ...Object.fromEntries(subgraphModules.map((module) => [module.name, module.parseSettings])),
      };
      for (const [name, parse] of Object.entries(parsers)) {
        const environment = environmentOf(name);
        expect(environment['NODE_ENV'], name).toBe('production');
        expect(() => parse(environment), name).not.toThrow();
      }
    });

    it('give report and document links one public address', () => {
      const verification = parseVerificationSettings(environmentOf('verification'));
      const analytics = parseAnalyticsSettings(environmentOf('analytics'));
      expect(verification.publicUrl).toBe(dotEnv['PUBLIC_URL']);
      expect(analytics.reports.publicUrl).toBe(dotEnv['PUBLIC_URL']);
    });
  });

  it('shows how to allow browser origins (CORS) on the gateway, none by default', () => {
    const gateway = environmentOf('gateway');
    expect(gateway).toMatchObject({ GATEWAY_CORS_ORIGINS: '', GATEWAY_CORS_CREDENTIALS: 'false' });
    expect(exampleDotEnv()).toHaveProperty('GATEWAY_CORS_ORIGINS');
  });
});
