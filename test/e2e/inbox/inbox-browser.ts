import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN } from '../../support/hub';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it when missing). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });

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
