// Lint holds what review cannot hold by discipline alone: the boundaries between the kit, the gateway and each
// domain, no import cycles, and the usual TypeScript hazards. Formatting is prettier's (.prettierrc.json).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const subgraphs = readdirSync(new URL('./subgraphs/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** The one file of a subgraph another domain may import: its published event contracts (docs/architecture.md). */
const publishedContracts = (subgraph) => `./${subgraph}/src/events/index.ts`;

const boundaries = [
  {
    target: './kit',
    from: ['./gateway', './subgraphs', './platform', './scripts', './test', './bench'],
    message: 'The kit is the ground every service stands on: it imports nothing outside kit/.',
  },
  {
    target: ['./kit', './subgraphs'],
    from: './gateway',
    message: 'Only the platform, the benchmarks and the tests start a gateway; nothing else imports it.',
  },
  {
    target: './scripts',
    from: './gateway',
    except: ['./src/declarations', './src/config.ts'],
    message:
      "Scripts may use the gateway's reading of the supergraph's declarations (composition checks them) and its settings declarations (the configuration document), nothing else.",
  },
  {
    target: './gateway/src',
    from: ['./subgraphs', './platform', './scripts', './test', './bench'],
    message: 'The gateway knows no domain and no process that starts it: it learns the subgraphs from the supergraph.',
  },
  ...subgraphs.map((subgraph) => ({
    target: `./subgraphs/${subgraph}/src`,
    from: ['./gateway', './platform', './scripts', './test', './bench'],
    message: 'A subgraph imports #kit and its own folder only.',
  })),
  ...subgraphs.map((subgraph) => ({
    target: `./subgraphs/${subgraph}`,
    from: './subgraphs',
    except: [`./${subgraph}`, ...subgraphs.filter((other) => other !== subgraph).map(publishedContracts)],
    message: "A subgraph imports #kit, its own folder and other domains' published event contracts (src/events/index.ts) only.",
  })),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '.data/**', '.cache/**', 'schema/**', 'deploy/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
    plugins: { 'import-x': importX },
    settings: {
      // Cycles run through .ts files: import-x must parse them to follow their imports.
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Services read their environment once, at their entry point (main.ts, the kit's process runner), through the
    // settings they declare; nothing deeper may reach for process.env.
    files: ['kit/src/**/*.ts', 'gateway/src/**/*.ts', 'subgraphs/*/src/**/*.ts'],
    ignores: ['**/main.ts', 'kit/src/subgraph-module.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read the environment once, at the entry point, through the settings the process declares.',
        },
      ],
    },
  },
  {
    // Tests read GraphQL answers whose shape the query, not a type, decides.
    files: ['test/**/*.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    // Fixtures match YAML indentation literally.
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-regex-spaces': 'off' },
  },
);
