import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';
import type { Config } from '../config.ts';
import { BrowserLaunchError } from '../errors.ts';
import { chromiumProxyArgs, withoutUnsafeFlags } from '../net/chromium-flags.ts';

const CONNECT_TIMEOUT_MS = 15_000;

let executable: Promise<string> | null = null;

/**
 * The Chromium binary: CHROMIUM_PATH when set, otherwise the packaged headless shell, extracted
 * once per process (two extractions at once corrupt each other).
 */
export function chromiumExecutable(config: Pick<Config, 'CHROMIUM_PATH' | 'CHROMIUM_BIN_DIR'>) {
  if (config.CHROMIUM_PATH) return Promise.resolve(config.CHROMIUM_PATH);
  executable ??= chromium.executablePath(config.CHROMIUM_BIN_DIR || undefined).catch((error) => {
    executable = null;
    throw error;
  });

  return executable;
}

/** The launch flags: the package's own, minus the unsafe ones, plus the egress proxy's. */
export function chromiumArgs(egressProxyUrl: string | null): string[] {
  const args = withoutUnsafeFlags(chromium.args);

  return egressProxyUrl ? [...args, ...chromiumProxyArgs(egressProxyUrl)] : args;
}

/** Connects to a browser the caller runs (`browser_address`); it is never closed by us. */
export async function attachBrowser(address: string): Promise<Browser> {
  try {
    return await playwright.connectOverCDP(address, { timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw new BrowserLaunchError(`Could not attach to the browser at ${safeAddress(address)}`, {
      cause: error,
    });
  }
}

/** A CDP address without credentials or query (which may carry a token), for messages. */
function safeAddress(address: string): string {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'the given address';
  }
}

export { playwright };
