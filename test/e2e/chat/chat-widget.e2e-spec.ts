import type { Browser, Page } from 'playwright-core';
import { bearer, login, request } from '../../support/clients';
import { launchChromium } from '../../support/chromium';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

/** The embeddable widget in a real browser: /chat-demo, a message out, an agent's reply in. */
describe('chat: the widget on /chat-demo in headless Chromium', () => {
  let hub: Hub;
  let token: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    hub = await Hub.start({ name: 'chat_widget', redisDb: 'private' });
    token = await login(hub.api.url);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message) => {
      // The browser's own favicon request is the demo page's only 404.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(message.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('serves the demo page with a strict CSP and the widget script from the hub', async () => {
    const demo = await fetch(`${hub.api.url}/chat-demo`);
    expect(demo.status).toBe(200);
    const csp = demo.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await demo.text()).toMatch(/<script src="\/widget\.js" defer><\/script>/);
    const widget = await fetch(`${hub.api.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/^application\/javascript/);
  });

  it('sends a message from the chat bubble, shows the agent\u2019s typing and reply, reconnects by itself and keeps the history', async () => {
    await page.goto(`${hub.api.url}/chat-demo`);
    const bubble = page.getByRole('button', { name: 'Chat with us' });
    await bubble.click();
    const chat = page.getByRole('dialog', { name: 'Chat' });
    await chat.getByRole('textbox', { name: 'Message' }).fill('Hello <b>from</b> the website');
    await chat.getByRole('button', { name: 'Send' }).click();
    const log = chat.getByRole('log', { name: 'Messages' });
    await log.getByText('Hello <b>from</b> the website').waitFor();

    const conversationId = await waitFor('the widget message stored', async () => {
      const { rows } = await hub.db.query(`SELECT conversation_id FROM interactions WHERE channel = 'chat' AND text = $1`, [
        'Hello <b>from</b> the website',
      ]);
      return rows[0]?.conversation_id as string | undefined;
    });
    const typing = await request(hub.api.url, 'POST', `/api/conversations/${conversationId}/typing`, {
      body: { typing: true },
      headers: bearer(token),
    });
    expect(typing.status).toBe(204);
    await chat
      .getByRole('status')
      .getByText(/is typing/)
      .waitFor();

    const reply = await request(hub.api.url, 'POST', `/api/conversations/${conversationId}/messages`, {
      body: { text: 'Hi! How can we help?' },
      headers: bearer(token),
    });
    expect(reply.status).toBe(202);
    await log.getByText('Hi! How can we help?').waitFor();

    // The api goes away and comes back: the widget reconnects by itself and carries on.
    await hub.api.stop();
    await chat.getByRole('status').getByText('Reconnecting…').waitFor();
    await hub.api.start();
    await waitFor('the widget to reconnect', async () => (await chat.getByRole('status').textContent()) === '');
    await chat.getByRole('textbox', { name: 'Message' }).fill('Still there?');
    await chat.getByRole('textbox', { name: 'Message' }).press('Enter');
    await log.getByText('Still there?').waitFor();

    // The visitor token is kept: after a reload the same chat comes back as history.
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).press('Enter');
    const again = page.getByRole('dialog', { name: 'Chat' }).getByRole('log', { name: 'Messages' });
    await again.getByText('Hi! How can we help?').waitFor();
    expect(await again.getByRole('listitem').allTextContents()).toEqual([
      'YouHello <b>from</b> the website',
      expect.stringMatching(/Hi! How can we help\?$/),
      'YouStill there?',
    ]);
    // Keyboard: Escape closes the panel and gives focus back to the bubble.
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Chat' }).isVisible()).resolves.toBe(false);
    // No CSP violation or script error; refused connections while the api was down are expected.
    expect(consoleErrors.filter((text) => !text.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([]);
  });
});
