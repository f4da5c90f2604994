import chromium from '@sparticuz/chromium';
import { type Browser, chromium as playwright } from 'playwright-core';
import { chromiumProxyArgs, withoutUnsafeFlags } from '../../../lib/net/chromium-flags.ts';

let executable: Promise<string> | undefined;

/** The Chromium binary, extracted once per process (two extractions at once corrupt it). */
export function chromiumExecutable(): Promise<string> {
  executable ??= chromium.executablePath();

  return executable;
}

/** The launch arguments of a browser whose traffic goes through the egress proxy. */
export function proxiedArgs(proxyUrl: string): string[] {
  return [...withoutUnsafeFlags(chromium.args), ...chromiumProxyArgs(proxyUrl)];
}

/** Launches real Chromium with the given arguments. */
export async function launchBrowser(args: string[]): Promise<Browser> {
  return playwright.launch({ executablePath: await chromiumExecutable(), args, headless: true });
}
