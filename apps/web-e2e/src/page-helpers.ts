/** What the browser tests read off the page: the log terminal's text, and elements showing up. */
import type { Locator, Page } from 'playwright-core';

export async function terminalText(page: Page): Promise<string> {
  return page.locator('[data-testid="log-viewer"] .xterm-rows').innerText();
}

export async function waitForTerminal(page: Page, pattern: RegExp, timeout = 60_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page);
    if (pattern.test(text)) {
      return text;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`the terminal never showed ${pattern}; it shows:\n${text}`);
}

export async function expectVisible(locator: Locator, timeout = 15_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}
