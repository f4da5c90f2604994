import type { Page } from 'playwright-core';

const SCREENSHOT_TIMEOUT_MS = 10_000;
const HEIGHT_TIMEOUT_MS = 2000;

/**
 * A PNG of the viewport and `maxScrolls` viewport heights below it (max_screenshot_scrolling_times),
 * cut at the end of the page.
 */
export async function captureScreenshot(page: Page, maxScrolls: number): Promise<Buffer> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  if (maxScrolls <= 0) return page.screenshot({ timeout: SCREENSHOT_TIMEOUT_MS });
  const pageHeight = await Promise.race([
    page
      .evaluate('Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0)')
      .catch(() => viewport.height),
    new Promise<number>((resolve) => setTimeout(() => resolve(viewport.height), HEIGHT_TIMEOUT_MS)),
  ]);
  const height = Math.max(
    1,
    Math.min(Number(pageHeight) || viewport.height, viewport.height * (1 + maxScrolls)),
  );

  return page.screenshot({
    fullPage: true,
    clip: { x: 0, y: 0, width: viewport.width, height },
    timeout: SCREENSHOT_TIMEOUT_MS,
  });
}
