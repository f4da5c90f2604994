import type { BrowserContext, Page } from 'playwright-core';

/** Dialogs a page may open before its scripts are stopped (an alert loop never ends). */
const MAX_DIALOGS_PER_PAGE = 20;
/** Tabs a run may have open; further popups are closed at once. */
const MAX_TABS = 10;
const STOP_TIMEOUT_MS = 2000;

/**
 * Stops a page's scripts for good: the running one is terminated and no new one starts. For a
 * page that loops on dialogs or opens popups without end, the only way to keep the run going.
 */
export async function stopScripts(context: BrowserContext, page: Page): Promise<void> {
  if (page.isClosed()) return;
  const session = await context.newCDPSession(page).catch(() => null);
  if (!session) return;
  const stop = Promise.all([
    session.send('Runtime.terminateExecution').catch(() => undefined),
    session.send('Emulation.setScriptExecutionDisabled', { value: true }).catch(() => undefined),
  ]);
  await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))]);
}

export interface PageGuard {
  /** Handles a dialog: accepted, unless the page has opened too many (then scripts stop). */
  onDialog(page: Page, accept: () => Promise<void>, dismiss: () => Promise<void>): void;
  /** Closes a tab over the limit and stops the scripts of the page that opened it. */
  onPage(page: Page): void;
}

/** Guards a context against pages that would hold a run forever; `report` records what it did. */
export function createPageGuard(
  context: BrowserContext,
  report: (code: string, message: string) => void,
): PageGuard {
  const dialogs = new WeakMap<Page, number>();
  const stopped = new WeakSet<Page>();
  const stopOnce = (page: Page, message: string) => {
    if (stopped.has(page)) return;
    stopped.add(page);
    report('page_scripts_stopped', message);
    void stopScripts(context, page);
  };

  return {
    onDialog(page, accept, dismiss) {
      const count = (dialogs.get(page) ?? 0) + 1;
      dialogs.set(page, count);
      if (count <= MAX_DIALOGS_PER_PAGE) {
        accept().catch(() => undefined);
        return;
      }
      // a script looping on alert() never yields, so stopping it is not enough: the tab goes
      if (stopped.has(page)) return;
      stopped.add(page);
      report('page_closed', `The page opened dialogs without end and was closed: ${page.url()}`);
      page.close({ runBeforeUnload: false }).catch(() => dismiss().catch(() => undefined));
    },
    onPage(page) {
      if (context.pages().length <= MAX_TABS) return;
      const opener = context.pages()[0];
      page.close().catch(() => undefined);
      page
        .opener()
        .then((source) => {
          const culprit = source ?? opener;
          stopOnce(
            culprit,
            `The page opened tabs without end; its scripts were stopped: ${culprit.url()}`,
          );
        })
        .catch(() => undefined);
    },
  };
}
