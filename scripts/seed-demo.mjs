#!/usr/bin/env node
// Demo data for a development hub, so the first screen is not empty: a call-centre partner and
// eight calls from five customers, posted through the real API (login, POST /api/partners,
// POST /api/call-logs) so they take the production path: api enqueues, worker writes, agents get
// the events. Idempotent: does nothing when the demo partner already exists.
//
//   OMNIHUB_URL=http://127.0.0.1:3000 BOOTSTRAP_ADMIN_EMAIL=… BOOTSTRAP_ADMIN_PASSWORD=… node scripts/seed-demo.mjs

const base = (process.env.OMNIHUB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
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

/** Five customers (fictional numbers: Ofcom's drama range and the US 555-01xx range), eight calls. */
const CUSTOMERS = [
  { name: 'Ada Lovelace', phone: '+447700900101' },
  { name: 'Grace Hopper', phone: '+447700900102' },
  { name: 'Alan Turing', phone: '+447700900103' },
  { name: 'Katherine Johnson', phone: '+12025550143' },
  { name: 'Edsger Dijkstra', phone: '+447700900105' },
];
const CALLS = [
  { customer: 0, ago: 9 * DAY, direction: 'inbound', outcome: 'answered', minutes: 6, notes: 'Which plan includes weekend support?' },
  { customer: 0, ago: 2 * DAY, direction: 'outbound', outcome: 'sale', minutes: 11, notes: 'Upgraded to the Plus plan.' },
  { customer: 1, ago: 5 * DAY, direction: 'inbound', outcome: 'complaint', minutes: 9, notes: 'Overcharged this month; wants a refund.' },
  { customer: 1, ago: 3 * HOUR, direction: 'inbound', outcome: 'callback_requested', minutes: 2, notes: 'Still waiting for the refund.' },
  { customer: 2, ago: 4 * DAY, direction: 'outbound', outcome: 'no_answer', minutes: 0, notes: '' },
  { customer: 2, ago: 1 * DAY, direction: 'outbound', outcome: 'voicemail', minutes: 1, notes: 'Left a message about the renewal date.' },
  { customer: 3, ago: 6 * HOUR, direction: 'inbound', outcome: 'answered', minutes: 4, notes: 'When do the new opening hours start?' },
  { customer: 4, ago: 30 * DAY, direction: 'inbound', outcome: 'complaint', minutes: 14, notes: 'Engineer was rude; router still broken.' },
];

async function call(method, path, { body, headers = {} } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
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

function expectStatus(what, response, status) {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
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
  const now = Date.now();
  const logs = CALLS.map((c, i) => {
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
    };
  });
  const accepted = expectStatus(
    'post the demo call logs',
    await call('POST', '/api/call-logs', { body: logs, headers: { 'x-api-key': apiKey } }),
    202,
  );

  // The worker writes them; wait until every demo customer can be found.
  const deadline = Date.now() + 30_000;
  const missing = new Set(CUSTOMERS.map((c) => c.phone));
  while (missing.size && Date.now() < deadline) {
    for (const phone of [...missing]) {
      const found = await call('GET', `/api/customers?q=${encodeURIComponent(phone)}`, { headers: auth });
      if (found.status === 200 && found.body?.items?.length) missing.delete(phone);
    }
    if (missing.size) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (missing.size) {
    throw new Error(`the api accepted the demo calls but ${missing.size} customer(s) did not appear within 30s: is the worker running?`);
  }
  console.log(`demo data: partner "${PARTNER_NAME}", ${accepted.accepted} calls from ${CUSTOMERS.length} customers`);
}

main().catch((error) => {
  console.error(`demo data: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
