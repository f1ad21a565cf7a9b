// Writes docs/configuration.md from the settings every process declares.
//   npm run config:docs             writes it
//   npm run config:docs -- --check  fails when the committed file is stale (CI)
import { projectRoot } from '#kit';
import {
  CONFIGURATION_DOCUMENT,
  configurationSections,
  isStale,
  renderConfigurationDocument,
  writeConfigurationDocument,
} from './configuration-document.js';

const rendered = renderConfigurationDocument(await configurationSections(projectRoot));

if (process.argv.includes('--check')) {
  if (isStale(projectRoot, rendered)) {
    process.stderr.write(`${CONFIGURATION_DOCUMENT} is stale: run \`npm run config:docs\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${CONFIGURATION_DOCUMENT} is up to date\n`);
} else {
  writeConfigurationDocument(projectRoot, rendered);
  process.stdout.write(`wrote ${CONFIGURATION_DOCUMENT}\n`);
}
