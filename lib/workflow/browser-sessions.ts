import { openBrowserSession } from '../browser/index.ts';
import type { SessionOptions } from '../browser/types.ts';
import type { Config } from '../config.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { checkUrl } from '../net/resolve.ts';
import type { BrowserStepDeps } from './browser-step.ts';

export interface SessionOpenerDeps {
  artifacts: ArtifactStore;
  config: Config;
  logger: Logger;
  /** The network rules the start URL is checked against before any browser starts. */
  policy: AddressPolicy;
}

/**
 * Opens a run's browser. A start URL the rules refuse fails the run at once, naming the host;
 * every request of the browser itself goes through the egress proxy the session launches with
 * (lib/browser/launch-context.ts), which reports refused hosts in the action results. A caller's
 * own browser (browser_address) is attached as it is.
 */
export function createSessionOpener(deps: SessionOpenerDeps): BrowserStepDeps['openSession'] {
  return async (options: SessionOptions, recordFile) => {
    if (!options.browserAddress && options.startUrl) await checkUrl(options.startUrl, deps.policy);

    return openBrowserSession(options, { ...deps, recordFile });
  };
}
