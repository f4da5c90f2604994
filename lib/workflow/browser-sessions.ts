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
  /** The network rules; the same ones the session's egress proxy applies to every request. */
  policy: AddressPolicy;
}

/**
 * Opens a run's browser (lib/browser launches it behind its egress proxy, which holds every
 * request to the network rules). A start URL the rules refuse fails the run before any browser
 * starts, with a failure_reason that names the host.
 */
export function createSessionOpener(deps: SessionOpenerDeps): BrowserStepDeps['openSession'] {
  return async (options: SessionOptions, recordFile) => {
    if (options.startUrl && !options.browserAddress) await checkUrl(options.startUrl, deps.policy);

    return openBrowserSession(options, { ...deps, recordFile });
  };
}
