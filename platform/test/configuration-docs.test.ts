import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/src/project-paths.js';
import {
  CONFIGURATION_DOCUMENT,
  configurationSections,
  isStale,
  renderConfigurationDocument,
} from '../../scripts/configuration-document.js';
import { subgraphModules } from '../src/subgraph-modules.js';

describe('docs/configuration.md', () => {
  it('is current: generated from every process’s declarations (npm run config:docs)', async () => {
    const rendered = renderConfigurationDocument(await configurationSections(projectRoot));
    expect(isStale(projectRoot, rendered)).toBe(false);
  });

  it('has one table per process: the shared settings, the gateway, each subgraph and npm start', async () => {
    const titles = (await configurationSections(projectRoot)).map((section) => section.title);
    expect(titles).toEqual([
      'Every service',
      'Gateway',
      ...subgraphModules.map((module) => `Subgraph: ${module.name}`),
      'npm start (the platform)',
    ]);
  });

  it('documents each subgraph’s own variables and leaves out the shared ones it reads unchanged', async () => {
    const sections = await configurationSections(projectRoot);
    const payments = sections.find((section) => section.title === 'Subgraph: payments')!.settings.map((row) => row.variable);
    expect(payments).toEqual(
      expect.arrayContaining(['PAYMENTS_PORT', 'PAYMENTS_DATABASE_URL', 'PAYMENTS_RECOVERY_SECONDS', 'KAFKA_BROKERS']),
    );
    expect(payments).not.toContain('JWT_ISSUER');
  });

  it('is stale as soon as a declaration and the committed file disagree', async () => {
    const root = mkdtempSync(join(tmpdir(), 'configuration-docs-'));
    mkdirSync(join(root, 'docs'));
    const rendered = renderConfigurationDocument(await configurationSections(projectRoot));
    expect(isStale(root, rendered)).toBe(true);
    writeFileSync(join(root, CONFIGURATION_DOCUMENT), rendered.replace('`4000`', '`4001`'));
    expect(isStale(root, rendered)).toBe(true);
    writeFileSync(join(root, CONFIGURATION_DOCUMENT), rendered);
    expect(isStale(root, rendered)).toBe(false);
  });

  it('escapes table separators in a description', () => {
    const rendered = renderConfigurationDocument([
      {
        title: 'T',
        about: 'A.',
        settings: [{ variable: 'X', defaultValue: '`a|b`', description: 'one | two', productionSecret: true, requiredInProduction: false }],
      },
    ]);
    expect(rendered).toContain('| `X` | `a\\|b` | secret | one \\| two |');
  });
});
