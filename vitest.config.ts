import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Chromium, profiles and downloads follow TMPDIR; keep them inside the project.
const tmp = path.resolve(import.meta.dirname, '.tmp');
fs.mkdirSync(tmp, { recursive: true });
process.env.TMPDIR = tmp;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
