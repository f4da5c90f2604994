import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';
import type { Config } from '../config.ts';
import { BrowserLaunchError } from '../errors.ts';

/** Flags of the packaged Chromium that this service must never run with. */
const FORBIDDEN_ARGS = new Set(['--disable-web-security', '--allow-running-insecure-content']);

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

/** The launch flags: the package's own, minus the unsafe ones, plus the egress proxy. */
export function chromiumArgs(proxyUrl: string | null): string[] {
  const args = chromium.args.filter((arg) => !FORBIDDEN_ARGS.has(arg));
  if (proxyUrl) {
    // loopback goes through the proxy too, so the network rules see every request
    args.push(`--proxy-server=${proxyUrl}`, '--proxy-bypass-list=<-loopback>');
  }

  return args;
}

/** Connects to a browser the caller runs (`browser_address`); it is never closed by us. */
export async function attachBrowser(address: string): Promise<Browser> {
  try {
    return await playwright.connectOverCDP(address, { timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw new BrowserLaunchError(`Could not attach to the browser at ${address}`, {
      cause: error,
    });
  }
}

export { playwright };
