// The inbox scenario (hub only; issue 19): do the agent inbox's routes stay as quick at 100,000
// conversations and 1,000,000 interactions as at 1,000? In one run on one hub: conversations,
// their customers and interactions are seeded set-based in SQL (generate_series), first
// --inbox-small conversations, then up to --inbox-conversations; at each size the same requests are
// timed sequentially (the list's first page, unfiltered and `status=open` as the inbox opens it,
// and one conversation with its interactions, at random), and headless Chromium loads the inbox
// and times its first screen to interactive (the list's first row shown and the socket Live). Two
// rows, `inbox-small` and `inbox-large`; the second carries the p95 ratios (target: ≤ 2).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentiles } from './agent-socket.mjs';
import { log } from './log.mjs';
import { r2 } from './scenario.mjs';
import { SIDES, dbUrl, flushRedisDb, resetStores } from './stores.mjs';
import { SECRETS, startSide } from './topology.mjs';

const side = 'hub';
const CHROMIUM = '/usr/bin/chromium';
/** Conversations per seeding statement: big enough to be set-based, small enough to keep WAL and memory in check. */
const SEED_BATCH = 10_000;

/** ctx: { admin, runDir, profDir, hubRoot, hubChecked }. */
export async function runInbox(round, ctx, opt) {
  const { small, conversations, perConversation, requests, ttiLoads } = opt.inbox;
  const id = `${side}-inbox-r${round}`;
  const dir = path.join(ctx.runDir, id);
  fs.mkdirSync(dir, { recursive: true });
  await resetStores(ctx.admin, side);
  const top = await startSide(side, { id, dir, pauseQueue: false, opt, ctx });
  const db = new pg.Client({ connectionString: dbUrl(SIDES[side].db) });
  await db.connect();
  const rows = [];
  try {
    const session = await logIn(top.base);
    let seeded = 0;
    let smallRow = null;
    for (const [name, size] of [
      ['inbox-small', small],
      ['inbox-large', conversations],
    ]) {
      const t0 = performance.now();
      await seed(db, seeded, size, perConversation);
      seeded = size;
      const seedSeconds = r2((performance.now() - t0) / 1000);
      const counts = (await db.query('SELECT (SELECT count(*) FROM conversations) AS c, (SELECT count(*) FROM interactions) AS i')).rows[0];
      log(`${id}: ${counts.c} conversations, ${counts.i} interactions (seeded in ${seedSeconds} s); timing the routes`);
      const timing = await timeRoutes(top.base, session.accessToken, db, requests);
      const tti = await timeToInteractive(top.base, session, ttiLoads);
      const row = {
        side,
        round,
        scenario: name,
        id: `${side}-${name}-r${round}`,
        conversations: Number(counts.c),
        interactions: Number(counts.i),
        seedSeconds,
        requests,
        listP50: timing.list.p50,
        listP95: timing.list.p95,
        listOpenP95: timing.listOpen.p95,
        conversationP50: timing.conversation.p50,
        conversationP95: timing.conversation.p95,
        ttiMs: tti.median,
        ttiNote: tti.note,
        httpErrors: timing.errors,
        crashed: top.crashed(),
      };
      if (smallRow) {
        row.listRatio = ratio(row.listP95, smallRow.listP95);
        row.listOpenRatio = ratio(row.listOpenP95, smallRow.listOpenP95);
        row.conversationRatio = ratio(row.conversationP95, smallRow.conversationP95);
      }
      smallRow ??= row;
      rows.push(row);
    }
  } finally {
    await db.end();
    await top.stop();
    await flushRedisDb(side);
  }
  fs.writeFileSync(path.join(dir, 'inbox.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
}

const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? r2(a / b) : null);

async function logIn(base) {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: SECRETS.adminEmail, password: SECRETS.adminPassword }),
  });
  if (response.status !== 200) throw new Error(`inbox: login answered ${response.status}`);
  return response.json();
}

/**
 * Conversations `from`+1 … `to`, each with its own customer and `perConversation` interactions
 * (alternating inbound and outbound, the last one the conversation's latest activity), spread over
 * the last 90 days across the four channels, 70 % open.
 */
async function seed(db, from, to, perConversation) {
  for (let start = from + 1; start <= to; start += SEED_BATCH) {
    const end = Math.min(to, start + SEED_BATCH - 1);
    await db.query(
      `WITH c AS (
         INSERT INTO customers (name, created_at)
         SELECT 'Bench customer ' || g, now() - interval '200 days' FROM generate_series($1::int, $2::int) g
         RETURNING id
       ), cv AS (
         INSERT INTO conversations (customer_id, channel, status, last_interaction_at, last_interaction_preview, unread_count)
         SELECT id, (ARRAY['sms', 'email', 'chat', 'phone'])[1 + floor(random() * 4)::int],
                CASE WHEN r < 0.7 THEN 'open' WHEN r < 0.8 THEN 'pending' WHEN r < 0.85 THEN 'snoozed' ELSE 'resolved' END,
                now() - random() * interval '90 days', 'Bench message ' || $3::int, floor(random() * 3)::int
         FROM (SELECT id, random() AS r FROM c) c
         RETURNING id, customer_id, channel, last_interaction_at
       )
       INSERT INTO interactions (customer_id, conversation_id, channel, direction, kind, text, occurred_at, external_id,
                                 idempotency_key, delivery_status)
       SELECT cv.customer_id, cv.id, cv.channel, CASE WHEN k % 2 = 1 THEN 'inbound' ELSE 'outbound' END, 'message',
              'Bench message ' || k, cv.last_interaction_at - ($3::int - k) * interval '7 minutes',
              'bench-' || cv.id || '-' || k, 'bench-' || cv.id || '-' || k, CASE WHEN k % 2 = 0 THEN 'delivered' END
       FROM cv CROSS JOIN generate_series(1, $3::int) k`,
      [start, end, perConversation],
    );
  }
  await db.query('ANALYZE customers, conversations, interactions');
}

/** Sequential requests (an agent's clicks, not a load test): 100 warm-up of each (the small size goes first and must not carry the JIT's warm-up), then `n` of each, timed. */
async function timeRoutes(base, token, db, n) {
  const headers = { authorization: `Bearer ${token}` };
  const ids = (await db.query('SELECT id FROM conversations ORDER BY random() LIMIT $1', [n + 100])).rows.map((r) => r.id);
  const routes = {
    list: () => '/api/conversations?limit=25',
    listOpen: () => '/api/conversations?status=open&limit=25',
    conversation: (i) => `/api/conversations/${ids[i % ids.length]}`,
  };
  const out = { errors: 0 };
  for (const [name, url] of Object.entries(routes)) {
    const times = [];
    for (let i = 0; i < n + 100; i++) {
      const t0 = performance.now();
      const response = await fetch(`${base}${url(i)}`, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) out.errors++;
      if (i >= 100) times.push(performance.now() - t0);
    }
    const p = percentiles(times);
    out[name] = { p50: r2(p.p50), p95: r2(p.p95) };
  }
  return out;
}

/**
 * The first screen in headless Chromium, cold (a new browser context each load): from navigation
 * start to the conversation list's first row shown with the socket Live. The agent is logged in
 * already (the session in sessionStorage, as after the login form), so typing is not timed.
 */
async function timeToInteractive(base, session, loads) {
  if (!fs.existsSync(CHROMIUM)) return { median: null, note: `no ${CHROMIUM} (apt-get install chromium)` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const times = [];
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
      // Runs in the page, where sessionStorage is the browser's.
      await context.addInitScript((value) => globalThis.sessionStorage.setItem('omnihub.session', value), JSON.stringify(session));
      const page = await context.newPage();
      await page.goto(base);
      await page.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().waitFor({ timeout: 60_000 });
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 60_000 });
      times.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const sorted = times.sort((a, b) => a - b);
  return { median: Math.round(sorted[sorted.length >> 1]), note: null };
}
