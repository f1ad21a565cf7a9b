// Lint holds what review cannot hold by discipline alone: the boundaries between the kit, the gateway and each
// domain, no import cycles, and the usual TypeScript hazards. Formatting is prettier's (see .prettierrc.json).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const subgraphs = readdirSync(new URL('./subgraphs/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** What another domain may import of a subgraph: its published event contracts, nothing else. */
const publishedContracts = (subgraph) => `./subgraphs/${subgraph}/src/events`;

const boundaries = [
  {
    target: './kit',
    from: ['./gateway', './subgraphs', './platform', './scripts', './test', './bench'],
    message: 'The kit is the ground every service stands on: it imports nothing outside kit/.',
  },
  {
    target: ['./kit', './subgraphs', './scripts'],
    from: './gateway',
    message: 'Only the platform, the tests and the benchmarks start a gateway; nothing else imports it.',
  },
  {
    target: ['./gateway', './subgraphs'],
    from: ['./platform', './scripts', './test', './bench'],
    message: 'Services do not depend on the processes that start them or on tests.',
  },
  {
    target: './gateway',
    from: './subgraphs',
    message: 'The gateway knows no domain: it learns the subgraphs from the supergraph.',
  },
  ...subgraphs.map((subgraph) => ({
    target: `./subgraphs/${subgraph}`,
    from: './subgraphs',
    except: [`./${subgraph}`, ...subgraphs.filter((other) => other !== subgraph).map((other) => publishedContracts(other).replace('./subgraphs/', './'))],
    message: `A subgraph imports #kit, its own folder and other domains' published event contracts only.`,
  })),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '.data/**', '.cache/**', 'schema/**', 'deploy/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read the environment once, at the entry point, through the settings of the process.',
        },
      ],
    },
  },
);
