import type { Browser, Page } from 'playwright-core';
export { launchChromium } from '../../support/chromium';
import { ADMIN } from '../../support/hub';

/**
 * A page of the inbox, with every console error kept (a CSP violation is one): refused
 * connections while the api is deliberately down are the only expected ones.
 */
export async function openInbox(browser: Browser, base: string): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.location().url.endsWith('/favicon.ico') || message.text().includes('net::ERR_CONNECTION_REFUSED')) return;
    consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(base);
  return { page, consoleErrors };
}

export async function logInAs(page: Page, credentials = ADMIN): Promise<void> {
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor();
}
