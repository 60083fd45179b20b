import { defineConfig } from 'vitest/config';

// Format tests against the official OCSF and ECS schemas, which live outside the repository
// (../shared/schemas, or VIGIL_SCHEMAS_DIR): `npm run test:schemas`, run by .ci/run after
// `npm test`, which stays independent of anything outside the repository.
export default defineConfig({
  test: { include: ['test/schemas/**/*.test.ts'], environment: 'node' },
});
