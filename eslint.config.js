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

export default tseslint.config(
  {
    ignores: ['.vigil-tmp/**', 'node_modules/**', 'data/**', 'deploy/kafka/lib/**', 'dist/**', 'coverage/**'],
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
  { files: ['shared/bus/**/*.ts'], rules: restrict([clickhouse, services]) },
  { files: ['shared/store/**/*.ts'], rules: restrict([kafka, services]) },
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
