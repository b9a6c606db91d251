#!/usr/bin/env node
// Demo data for a development hub, so the first screen is not empty and the retention view has
// history to show: customers who call, text, email and chat, with half a year of calls, business
// events (quotes, orders, purchases, a cancellation), and the retention scan run over it. Everything
// goes through the public API (call logs, signed Twilio webhooks, the email webhook, the /chat
// socket, business events), so it takes the production path: api enqueues, worker writes, agents
// get the events. Idempotent: does nothing when the demo partner already exists.
//
//   OMNIHUB_URL=http://127.0.0.1:3000 BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… \
//   TWILIO_AUTH_TOKEN=… PUBLIC_BASE_URL=… EMAIL_WEBHOOK_TOKEN=… node scripts/seed-demo.mjs
//
// Without TWILIO_AUTH_TOKEN the SMS are skipped, without EMAIL_WEBHOOK_TOKEN the emails.

import { createHmac, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';

const base = (process.env.OMNIHUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const publicBase = (process.env.PUBLIC_BASE_URL ?? base).replace(/\/+$/, '');
const twilioToken = process.env.TWILIO_AUTH_TOKEN;
const emailToken = process.env.EMAIL_WEBHOOK_TOKEN;
const admin = {
  email: process.env.BOOTSTRAP_ADMIN_EMAIL ?? 'admin@example.com',
  // No default: the api refuses a known password, so whatever started the hub set one.
  password: process.env.BOOTSTRAP_ADMIN_PASSWORD,
};
if (!admin.password) {
  console.error('seed-demo: set BOOTSTRAP_ADMIN_PASSWORD to the admin password the hub was started with');
  process.exit(1);
}
const PARTNER_NAME = 'Demo Call Centre';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Fictional numbers: Ofcom's drama range and the US 555-01xx range. */
const CUSTOMERS = [
  { name: 'Ada Lovelace', phone: '+447700900101' },
  { name: 'Grace Hopper', phone: '+447700900102' },
  { name: 'Alan Turing', phone: '+447700900103' },
  { name: 'Katherine Johnson', phone: '+12025550143' },
  { name: 'Edsger Dijkstra', phone: '+447700900105' },
];
const [ADA, GRACE, ALAN, KATHERINE, EDSGER] = [0, 1, 2, 3, 4];

const CALLS = [
  { customer: ADA, ago: 9 * DAY, direction: 'inbound', outcome: 'answered', minutes: 6, notes: 'Which plan includes weekend support?' },
  { customer: ADA, ago: 2 * DAY, direction: 'outbound', outcome: 'sale', minutes: 11, notes: 'Upgraded to the Plus plan.' },
  {
    customer: GRACE,
    ago: 5 * DAY,
    direction: 'inbound',
    outcome: 'complaint',
    minutes: 9,
    notes: 'Overcharged this month; wants a refund.',
  },
  { customer: GRACE, ago: 12 * DAY, direction: 'inbound', outcome: 'complaint', minutes: 7, notes: 'Bill doubled without notice.' },
  {
    customer: GRACE,
    ago: 20 * DAY,
    direction: 'inbound',
    outcome: 'complaint',
    minutes: 12,
    notes: 'Refund promised last month never came.',
  },
  {
    customer: GRACE,
    ago: 3 * HOUR,
    direction: 'inbound',
    outcome: 'callback_requested',
    minutes: 2,
    notes: 'Still waiting for the refund.',
  },
  { customer: ALAN, ago: 4 * DAY, direction: 'outbound', outcome: 'no_answer', minutes: 0, notes: '' },
  {
    customer: ALAN,
    ago: 1 * DAY,
    direction: 'outbound',
    outcome: 'voicemail',
    minutes: 1,
    notes: 'Left a message about the renewal date.',
  },
  {
    customer: KATHERINE,
    ago: 6 * HOUR,
    direction: 'inbound',
    outcome: 'answered',
    minutes: 4,
    notes: 'When do the new opening hours start?',
  },
  {
    customer: EDSGER,
    ago: 30 * DAY,
    direction: 'inbound',
    outcome: 'complaint',
    minutes: 14,
    notes: 'Engineer was rude; router still broken.',
  },
];

/** Half a year of regular contact: Ada and Grace every two weeks, Edsger every ten days until he went quiet. */
function historyCalls() {
  const calls = [];
  for (let ago = 170; ago > 20; ago -= 14) {
    calls.push({
      customer: ADA,
      ago: ago * DAY,
      direction: 'inbound',
      outcome: 'answered',
      minutes: 5,
      notes: 'Usual check-in about the account.',
    });
    calls.push({
      customer: GRACE,
      ago: (ago + 3) * DAY,
      direction: 'inbound',
      outcome: 'answered',
      minutes: 4,
      notes: 'Question about the monthly bill.',
    });
  }
  for (let ago = 175; ago > 60; ago -= 10) {
    calls.push({
      customer: EDSGER,
      ago: ago * DAY,
      direction: 'inbound',
      outcome: 'answered',
      minutes: 8,
      notes: 'Router configuration help.',
    });
  }
  return calls;
}

const SMS = [
  { customer: ADA, body: 'Can I add a second line to my plan?' },
  { customer: GRACE, body: 'Third time asking: where is my refund? This is unacceptable.' },
  { customer: KATHERINE, body: 'Are you open on Sunday?' },
];

const EMAILS = [
  {
    fromName: 'Donald Knuth',
    from: 'donald.knuth@example.test',
    subject: 'Invoice 4711 has a typo',
    html: '<p>Hello,</p><p>invoice <b>4711</b> lists the <i>Mesh Extender</i> twice. Could you send a corrected one?</p><p>See <a href="https://example.test/invoices/4711">the invoice</a>.</p><p>Donald</p>',
  },
  {
    fromName: 'Ada Lovelace',
    from: 'ada@example.test',
    subject: 'Second line',
    html: '<p>Following up on my text: I would like a second line for my daughter.</p>',
  },
];

const CHAT = { name: 'Margaret Hamilton', email: 'margaret.hamilton@example.test', text: 'Hi! Does the Router X support WPA3?' };

/** Business events by customer: what they quoted, ordered, bought, renewed and cancelled. */
const EVENTS = [
  { customer: ADA, type: 'purchase', ago: 150 * DAY, amount: 240, product: 'Plus plan' },
  { customer: ADA, type: 'renewal', ago: 30 * DAY, amount: 240, product: 'Plus plan' },
  { customer: GRACE, type: 'purchase', ago: 120 * DAY, amount: 180, product: 'Router X' },
  { customer: GRACE, type: 'purchase', ago: 100 * DAY, amount: 90, product: 'Mesh Extender' },
  { customer: ALAN, type: 'quote', ago: 20 * DAY, amount: 180, product: 'Router X' },
  { customer: ALAN, type: 'order', ago: 15 * DAY, amount: 180, product: 'Router X' },
  { customer: ALAN, type: 'purchase', ago: 10 * DAY, amount: 180, product: 'Router X' },
  { customer: EDSGER, type: 'purchase', ago: 160 * DAY, amount: 180, product: 'Router X' },
  { customer: EDSGER, type: 'cancellation', ago: 20 * DAY },
];

async function call(method, path, { body, headers = {}, raw, contentType = 'application/json' } = {}) {
  const hasBody = raw !== undefined || body !== undefined;
  const response = await fetch(`${base}${path}`, {
    method,
    // Like any HTTP client: a Content-Type only with a body (the hub refuses empty JSON).
    headers: { ...(hasBody && { 'content-type': contentType }), ...headers },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

function expectStatus(what, response, ...statuses) {
  if (!statuses.includes(response.status)) {
    throw new Error(`${what}: expected ${statuses.join(' or ')}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** Twilio's signature: HMAC-SHA1 over the public URL and the sorted parameters, base64. */
function twilioSignature(url, params) {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((key) => key + params[key])
      .join('');
  return createHmac('sha1', twilioToken).update(data, 'utf8').digest('base64');
}

async function postSms(from, body) {
  const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, From: from, To: '+15005550006', Body: body, NumMedia: '0' };
  const path = '/webhooks/twilio/sms';
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(`${publicBase}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
  if (response.status !== 200) throw new Error(`SMS from ${from}: the webhook answered ${response.status}`);
}

function rawEmail(mail, i) {
  return [
    `From: ${mail.fromName} <${mail.from}>`,
    'To: support@omnihub.example',
    `Subject: ${mail.subject}`,
    `Message-ID: <demo-email-${i}@example.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    mail.html,
    '',
  ].join('\r\n');
}

/** A website visitor: connects to /chat, says who they are, sends a message, leaves. */
function chat(visitor) {
  return new Promise((resolve, reject) => {
    const socket = io(`${base}/chat`, { transports: ['websocket'], reconnection: false, timeout: 10_000 });
    const fail = (error) => {
      socket.close();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    socket.on('connect_error', fail);
    socket.once('session', () => {
      socket.emit('message', { text: visitor.text, clientMessageId: randomUUID() }, (sent) => {
        if (!sent?.ok) return fail(new Error(`chat message refused: ${sent?.error}`));
        socket.emit('identify', { name: visitor.name, email: visitor.email }, (identified) => {
          socket.close();
          if (!identified?.ok) reject(new Error(`chat identify refused: ${identified?.error}`));
          else resolve();
        });
      });
    });
  });
}

/** The worker writes what the api accepted; wait until a search finds each customer. */
async function waitForCustomers(auth, queries) {
  const found = new Map();
  const deadline = Date.now() + 60_000;
  while (found.size < queries.length && Date.now() < deadline) {
    for (const q of queries) {
      if (found.has(q)) continue;
      const result = await call('GET', `/api/customers?q=${encodeURIComponent(q)}`, { headers: auth });
      if (result.status === 200 && result.body?.items?.length) found.set(q, result.body.items[0]);
    }
    if (found.size < queries.length) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const missing = queries.filter((q) => !found.has(q));
  if (missing.length)
    throw new Error(`the api accepted the demo data but ${missing.join(', ')} did not appear within 60s: is the worker running?`);
  return found;
}

function callLog(c, i, now) {
  const customer = CUSTOMERS[c.customer];
  const startedAt = new Date(now - c.ago);
  return {
    externalId: `demo-call-${i + 1}`,
    direction: c.direction,
    customerPhone: customer.phone,
    customerName: customer.name,
    agentName: 'Demo Agent',
    startedAt: startedAt.toISOString(),
    ...(c.minutes > 0 && { endedAt: new Date(startedAt.getTime() + c.minutes * 60_000).toISOString(), durationSeconds: c.minutes * 60 }),
    outcome: c.outcome,
    ...(c.notes && { notes: c.notes }),
    ...(c.minutes > 0 && { recordingUrl: `https://recordings.example.test/demo-call-${i + 1}.mp3` }),
  };
}

async function main() {
  const { accessToken } = expectStatus(`login as ${admin.email}`, await call('POST', '/api/auth/login', { body: admin }), 200);
  const auth = { authorization: `Bearer ${accessToken}` };

  const listed = expectStatus('list partners', await call('GET', '/api/partners', { headers: auth }), 200);
  const partners = Array.isArray(listed) ? listed : (listed?.items ?? []);
  if (partners.some((p) => p.name === PARTNER_NAME)) {
    console.log(`demo data: "${PARTNER_NAME}" exists already, nothing to do`);
    return;
  }
  const { apiKey } = expectStatus(
    'create the demo partner',
    await call('POST', '/api/partners', { body: { name: PARTNER_NAME }, headers: auth }),
    201,
  );

  // History first (oldest first), so the recent calls are each conversation's latest activity.
  const now = Date.now();
  const calls = [...historyCalls(), ...CALLS].sort((a, b) => b.ago - a.ago).map((c, i) => callLog(c, i, now));
  let accepted = 0;
  for (let i = 0; i < calls.length; i += 100) {
    const batch = expectStatus(
      'post the demo call logs',
      await call('POST', '/api/call-logs', { body: calls.slice(i, i + 100), headers: { 'x-api-key': apiKey } }),
      202,
    );
    accepted += batch.accepted;
  }
  const byPhone = await waitForCustomers(
    auth,
    CUSTOMERS.map((c) => c.phone),
  );

  for (const event of EVENTS) {
    const customer = byPhone.get(CUSTOMERS[event.customer].phone);
    const body = {
      type: event.type,
      occurredAt: new Date(now - event.ago).toISOString(),
      externalId: `demo-${event.type}-${event.customer}-${event.ago}`,
      ...(event.amount !== undefined && { amount: event.amount }),
      ...(event.product && { product: event.product }),
    };
    expectStatus(
      `record ${event.type} for ${CUSTOMERS[event.customer].name}`,
      await call('POST', `/api/customers/${customer.id}/events`, { body, headers: auth }),
      201,
      200,
    );
  }

  const channels = ['calls'];
  if (twilioToken) {
    for (const sms of SMS) await postSms(CUSTOMERS[sms.customer].phone, sms.body);
    channels.push('SMS');
  }
  if (emailToken) {
    for (const [i, mail] of EMAILS.entries()) {
      expectStatus(
        `email from ${mail.from}`,
        await call('POST', '/webhooks/email', {
          raw: rawEmail(mail, i),
          contentType: 'message/rfc822',
          headers: { authorization: `Bearer ${emailToken}` },
        }),
        202,
      );
    }
    channels.push('email');
  }
  await chat(CHAT);
  channels.push('chat');
  await waitForCustomers(auth, [CHAT.email, ...(emailToken ? EMAILS.map((m) => m.from) : [])]);

  // What only the passing of time reveals (Edsger's silence before he cancelled, say).
  expectStatus('run the retention scan', await call('POST', '/api/admin/retention-scan', { headers: auth }), 200);
  const edsger = byPhone.get(CUSTOMERS[EDSGER].phone);
  const defection = await call('POST', `/api/customers/${edsger.id}/defection`, {
    body: { type: 'price', note: 'Found a cheaper provider.', occurredAt: new Date(now - 20 * DAY).toISOString() },
    headers: auth,
  });
  // A hub without the defection route still gets the rest of the demo.
  if (defection.status !== 404) expectStatus('record the defection', defection, 200);
  const katherine = byPhone.get(CUSTOMERS[KATHERINE].phone);
  expectStatus(
    'create a follow-up task',
    await call('POST', '/api/tasks', {
      body: {
        customerId: katherine.id,
        reason: 'Send Katherine the new opening hours once they are published.',
        dueAt: new Date(now + 2 * DAY).toISOString(),
      },
      headers: auth,
    }),
    201,
  );

  console.log(
    `demo data: partner "${PARTNER_NAME}", ${accepted} calls, business events and ${channels.join(', ')} from ${CUSTOMERS.length + 2} customers`,
  );
}

main().catch((error) => {
  console.error(`demo data: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
