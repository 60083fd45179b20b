// Lint rules, including the module boundaries of STYLE.md ("Boundaries").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const kafka = { group: ['kafkajs'], message: 'Only shared/bus imports kafkajs.' };
const clickhouse = {
  group: ['@clickhouse/client', 'chdb', 'chdb/*'],
  message: 'Only shared/store imports the ClickHouse client.',
};
const services = { group: ['**/services/**'], message: 'shared/ never imports a service.' };
// Relative imports that leave `shared/<area>` for an area not in `allowed` (depth = how
// many folders below shared/ the importing file is).
const only = (allowed, message, depth = 1) => ({
  regex: `^(\\.\\./){${depth}}(?!(${allowed.join('|')})/)[^./][^/]*/`,
  message,
});
const area = (name, allowed, message, extra) => [
  { files: [`shared/${name}/*.ts`], rules: restrict([...extra, only(allowed, message, 1)]) },
  { files: [`shared/${name}/*/**/*.ts`], rules: restrict([...extra, only(allowed, message, 2)]) },
];

export default tseslint.config(
  {
    ignores: [
      '.artifacts/**',
      '.vigil-tmp/**',
      'node_modules/**',
      'data/**',
      'deploy/kafka/lib/**',
      'dist/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  { files: ['shared/**/*.ts'], rules: restrict([kafka, clickhouse, services]) },
  ...area('bus', ['pipeline', 'events'], 'shared/bus implements the pipeline ports.', [clickhouse, services]),
  ...area('store', ['pipeline', 'events'], 'shared/store implements the pipeline sinks.', [kafka, services]),
  ...area(
    'pipeline',
    ['events', 'stats'],
    'shared/pipeline defines the interfaces it needs; it imports events and stats only.',
    [kafka, clickhouse, services],
  ),
  ...area('sites', ['pipeline', 'events'], 'shared/sites implements the pipeline SiteLookup.', [
    kafka,
    clickhouse,
    services,
  ]),
  ...area('simulate', ['events'], 'shared/simulate builds on the event contract only.', [
    kafka,
    clickhouse,
    services,
  ]),
  {
    files: ['shared/stats/**/*.ts'],
    rules: restrict([
      { group: ['../*', '!./*'], message: 'shared/stats imports nothing of ours.' },
      kafka,
      clickhouse,
    ]),
  },
  {
    files: ['shared/events/**/*.ts'],
    rules: restrict([
      { group: ['../*'], message: 'shared/events imports only its own files.' },
      kafka,
      clickhouse,
    ]),
  },
  {
    files: ['services/*/detectors/**/*.ts'],
    rules: restrict([
      kafka,
      clickhouse,
      {
        group: ['**/shared/config/**', '**/shared/log/**', '**/shared/metrics/**', 'pino'],
        message: 'Detectors get config and time from the pipeline; they do not log or read config.',
      },
    ]),
  },
  {
    files: ['services/**/*.ts'],
    ignores: ['services/cli/**'],
    rules: restrict([
      kafka,
      clickhouse,
      {
        regex: '^(\\.\\./)+(inference-monitor|access-monitor|facility-monitor|correlator|alert-sink|api)/',
        message: 'Services never import each other; share code through shared/.',
      },
    ]),
  },
);
