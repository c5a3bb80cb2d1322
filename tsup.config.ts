import { defineConfig } from 'tsup';

// Runtime dependencies stay external; store clients and vitest are peers and never bundled.
// The other entries import the main one as `charterguard`, so a charter validated through
// it is recognised by them (one module instance, one compile cache).
const external = ['zod', 'libphonenumber-js', 'charterguard', 'vitest', 'better-sqlite3', 'pg', '@electric-sql/pglite'];

export default defineConfig([
  {
    entry: { index: 'src/index.ts', vitest: 'src/vitest/index.ts', sqlite: 'src/stores/sqlite.ts', postgres: 'src/stores/postgres.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: false,
    target: 'es2022',
    external,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    external,
  },
]);
