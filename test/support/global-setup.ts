import { chromiumExecutable } from '../../lib/browser/launcher.ts';
import { loadConfig } from '../../lib/config.ts';

/** Extracts the packaged Chromium once, before test files run in parallel processes. */
export default async function setup(): Promise<void> {
  await chromiumExecutable(loadConfig({}));
}
