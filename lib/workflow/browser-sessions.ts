import { openBrowserSession } from '../browser/index.ts';
import type { ActionResult, BrowserSession, SessionOptions } from '../browser/types.ts';
import type { Config } from '../config.ts';
import type { ArtifactStore } from '../files/artifact-store.ts';
import type { Logger } from '../log.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { type EgressProxy, startEgressProxy } from '../net/egress-proxy.ts';
import { checkUrl } from '../net/resolve.ts';
import type { BrowserStepDeps } from './browser-step.ts';

export interface SessionOpenerDeps {
  artifacts: ArtifactStore;
  config: Config;
  logger: Logger;
  /** The network rules every request of the browser is held to. */
  policy: AddressPolicy;
}

/**
 * Reports each host the egress proxy refused once, as an error of the action during which it
 * was refused.
 */
function withBlockedHosts(session: BrowserSession, proxy: EgressProxy): BrowserSession {
  let reported = 0;
  const report = async (pending: Promise<ActionResult>): Promise<ActionResult> => {
    const result = await pending;
    const fresh = proxy.blocked().slice(reported);
    reported += fresh.length;
    const errors = fresh.map((attempt) => ({ code: 'blocked_address', message: attempt.message }));

    return errors.length > 0 ? { ...result, errors: [...result.errors, ...errors] } : result;
  };

  return {
    open: (url) => report(session.open(url)),
    observe: () => session.observe(),
    act: (action, timeoutMs) => report(session.act(action, timeoutMs)),
    settle: (timeoutMs) => report(session.settle(timeoutMs)),
    screenshot: (maxScrolls) => session.screenshot(maxScrolls),
    storageState: () => session.storageState(),
    close: async () => {
      try {
        return await session.close();
      } finally {
        await proxy.close();
      }
    },
  };
}

/**
 * Opens a run's browser behind an egress proxy of its own, so every request the browser sends is
 * held to the network rules after DNS resolution and on every redirect; the run's proxy_location
 * is the proxy's upstream. A start URL the rules refuse fails the run at once, naming the host.
 * A caller's own browser (browser_address) is attached as it is.
 */
export function createSessionOpener(deps: SessionOpenerDeps): BrowserStepDeps['openSession'] {
  return async (options: SessionOptions, recordFile) => {
    const sessionDeps = { ...deps, recordFile };
    if (options.browserAddress) return openBrowserSession(options, sessionDeps);
    if (options.startUrl) await checkUrl(options.startUrl, deps.policy);

    const proxy = await startEgressProxy({
      policy: deps.policy,
      upstream: options.proxyUrl,
      logger: deps.logger,
    });
    try {
      const session = await openBrowserSession({ ...options, proxyUrl: proxy.url }, sessionDeps);
      return withBlockedHosts(session, proxy);
    } catch (error) {
      await proxy.close();
      throw error;
    }
  };
}
