import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import chromium from '@sparticuz/chromium';
import {
  type Browser,
  type BrowserContext,
  type Download,
  type Frame,
  chromium as pw,
} from 'playwright-core';
import type { Action, Observation, PageElement } from '../../../lib/browser/types.ts';
import type { StoredFile } from '../../../lib/contracts/run.ts';

/**
 * A small real-Chromium driver for planner tests: it reads pages into `Observation`s and runs
 * `Action`s, capturing downloads. It stands in for the product's BrowserSession only inside these
 * tests, so the planner is exercised on real pages before the two are joined in the step loop.
 */

let executable: Promise<string> | null = null;

export interface DriverResult {
  files: StoredFile[];
  error: string | null;
}

const SELECTOR =
  'a[href], button, input, select, textarea, [role=button], [role=link], [role=tab], [role=checkbox], [role=menuitem]';

/** Runs inside the page (kept as plain JavaScript text): stamps ids on elements and reads them. */
const DESCRIBE_PAGE = `(prefix) => {
  const elements = [];
  let index = 0;
  for (const el of document.querySelectorAll(${JSON.stringify(SELECTOR)})) {
    const id = prefix + ':e' + index++;
    el.setAttribute('data-rid', id);
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const visible = rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden';
    const labels = el.labels ? Array.from(el.labels).map((l) => l.innerText.trim()).join(' ') : '';
    const tag = el.tagName.toLowerCase();
    const checkable = tag === 'input' && (el.type === 'checkbox' || el.type === 'radio');
    elements.push({
      id, frame: prefix, tag, role: el.getAttribute('role'),
      text: (el.innerText || '').trim().slice(0, 200),
      name: el.getAttribute('aria-label') || labels || el.getAttribute('title') || el.getAttribute('placeholder') || '',
      href: tag === 'a' && el.getAttribute('href') !== null ? el.href : null,
      download: el.hasAttribute('download') ? el.getAttribute('download') : null,
      target: el.getAttribute('target'),
      type: el.getAttribute('type') || (tag === 'input' ? 'text' : tag === 'button' ? 'submit' : null),
      value: 'value' in el ? String(el.value || '') : null,
      options: [], checked: checkable ? el.checked : null, disabled: Boolean(el.disabled),
      visible, inShadowRoot: false,
      rect: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
    });
  }
  return { elements, text: (document.body ? document.body.innerText : '').slice(0, 4000), title: document.title };
}`;

export class ChromiumDriver {
  #browser: Browser;
  #context: BrowserContext;
  #dir: string;
  #pending: Promise<void>[] = [];
  #files: StoredFile[] = [];
  #dialogs: string[] = [];

  private constructor(browser: Browser, context: BrowserContext, dir: string) {
    this.#browser = browser;
    this.#context = context;
    this.#dir = dir;
  }

  static async launch(): Promise<ChromiumDriver> {
    executable ??= chromium.executablePath();
    const args = chromium.args.filter((a) => a !== '--disable-web-security');
    const browser = await pw.launch({ executablePath: await executable, args, headless: true });
    const context = await browser.newContext({ acceptDownloads: true });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'planner-test-'));
    const driver = new ChromiumDriver(browser, context, dir);
    context.on('page', (page) => {
      page.on('download', (download) => driver.#pending.push(driver.#save(download)));
      page.on('dialog', (dialog) => {
        driver.#dialogs.push(dialog.message());
        dialog.dismiss().catch(() => {});
      });
    });
    await context.newPage();

    return driver;
  }

  get files(): StoredFile[] {
    return this.#files;
  }

  /** The run's own tab: popups only deliver downloads in these tests. */
  #page() {
    return this.#context.pages()[0];
  }

  async #save(download: Download): Promise<void> {
    const target = path.join(this.#dir, `${this.#files.length}-${download.suggestedFilename()}`);
    await download.saveAs(target);
    const body = await fs.readFile(target);
    const checksum = createHash('sha256').update(body).digest('hex');
    if (this.#files.some((f) => f.checksum === checksum)) return;
    this.#files.push({
      key: target,
      checksum,
      filename: download.suggestedFilename(),
      file_size: body.length,
      modified_at: new Date().toISOString(),
      source_url: download.url(),
    });
  }

  async observe(): Promise<Observation> {
    const page = this.#page();
    await page.waitForLoadState('domcontentloaded', { timeout: 5_000 }).catch(() => {});
    const elements: PageElement[] = [];
    const frames: Observation['frames'] = [];
    let text = '';
    let title = '';
    const walk = async (frame: Frame, framePath: string) => {
      const element = await frame.frameElement().catch(() => null);
      const sandbox = element ? await element.getAttribute('sandbox') : null;
      frames.push({ path: framePath, url: frame.url(), sandbox });
      const call = `(${DESCRIBE_PAGE})(${JSON.stringify(framePath)})`;
      const seen = await frame.evaluate(call).catch(() => null);
      if (seen) {
        const found = seen as { elements: PageElement[]; text: string; title: string };
        elements.push(...found.elements);
        if (framePath === '0') ({ text, title } = found);
      }
      for (const [i, child] of frame.childFrames().entries())
        await walk(child, `${framePath}.${i}`);
    };
    await walk(page.mainFrame(), '0');
    const dialogs = this.#dialogs.splice(0);
    const tabs = this.#context.pages().map((p, index, all) => ({
      index,
      url: p.url(),
      title: '',
      active: index === all.length - 1,
    }));

    return {
      url: page.url(),
      title,
      text,
      elements,
      frames,
      tabs,
      dialogs,
      truncated: false,
      printRequested: false,
    };
  }

  #locate(id: string) {
    const framePath = id.split(':')[0];
    let frame = this.#page().mainFrame();
    for (const index of framePath.split('.').slice(1)) frame = frame.childFrames()[Number(index)];

    return frame.locator(`[data-rid="${id}"]`);
  }

  /** Waits for a download to start, up to 15 s; a click that only opened a page stops early. */
  async #awaitDownloadStart(urlBefore: string): Promise<void> {
    const started = Date.now();
    while (this.#pending.length === 0 && Date.now() - started < 15_000) {
      const moved = this.#page().url() !== urlBefore;
      if (moved && Date.now() - started > 1_500) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Runs one action; returns the files stored so far and the error met, if any. */
  async act(action: Action): Promise<DriverResult> {
    const before = this.#files.length;
    const url = this.#page().url();
    let error: string | null = null;
    try {
      await this.#run(action);
    } catch (caught) {
      error = (caught as Error).message.split('\n')[0];
    }
    if ('expectDownload' in action && action.expectDownload) await this.#awaitDownloadStart(url);
    await Promise.allSettled(this.#pending.splice(0));
    await this.#page()
      .waitForLoadState('domcontentloaded', { timeout: 5_000 })
      .catch(() => {});

    return { files: this.#files.slice(before), error };
  }

  async #run(action: Action): Promise<void> {
    const page = this.#page();
    switch (action.kind) {
      case 'click':
        return this.#locate(action.element).click({ timeout: 5_000 });
      case 'fill':
        return this.#locate(action.element).fill(action.value, { timeout: 5_000 });
      case 'check':
        return this.#locate(action.element).setChecked(action.checked, { timeout: 5_000 });
      case 'select':
        return this.#locate(action.element)
          .selectOption(action.value, { timeout: 5_000 })
          .then(() => {});
      case 'press':
        return action.element
          ? this.#locate(action.element).press(action.key)
          : page.keyboard.press(action.key);
      case 'navigate':
        await page.goto(action.url, { timeout: 10_000 }).catch((e: Error) => {
          if (!/Download is starting/.test(e.message)) throw e;
        });
        return;
      case 'wait':
        return new Promise((resolve) => setTimeout(resolve, Math.min(action.ms, 2_000)));
      case 'back':
        await page.goBack();
        return;
      case 'print_pdf': {
        const body = await page.pdf();
        const checksum = createHash('sha256').update(body).digest('hex');
        this.#files.push({
          key: action.filename,
          checksum,
          filename: action.filename,
          file_size: body.length,
          modified_at: new Date().toISOString(),
          source_url: page.url(),
        });
        return;
      }
      default:
        throw new Error(`Action ${action.kind} is not supported by the test driver`);
    }
  }

  /** Back to a blank page with no cookies and no files, for the next task. */
  async reset(): Promise<void> {
    await Promise.allSettled(this.#pending.splice(0));
    const [first, ...others] = this.#context.pages();
    for (const other of others) await other.close();
    await this.#context.clearCookies();
    await first.goto('about:blank');
    this.#files = [];
    this.#dialogs = [];
  }

  async close(): Promise<void> {
    await this.#browser.close();
    await fs.rm(this.#dir, { recursive: true, force: true });
  }
}
