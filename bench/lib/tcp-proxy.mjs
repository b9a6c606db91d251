#!/usr/bin/env node
// Loopback TCP proxy for the bench, run as its own process so its CPU is accounted separately.
//   node bench/lib/tcp-proxy.mjs '<json config>'
// config: { control: port, listeners: [{ name, port, targets: [{host, port}], count: "redis"|"pg"|null }] }
// - several targets: round robin per connection (spreads the load generator's keep-alive
//   connections over several api processes, like any TCP load balancer);
// - count: also counts, per listener, connections, round trips (a round trip = the client sends
//   after having received, or for the first time) and the requests by kind: Redis commands by name
//   (RESP arrays), PostgreSQL frontend messages by type (Q simple query, P parse, B bind,
//   E execute, S sync...). Used by `--trace` to count the per-message round trips of each process.
// Control: GET http://127.0.0.1:<control>/stats → counters as JSON; POST /reset zeroes them.
import net from 'node:net';
import http from 'node:http';

const cfg = JSON.parse(process.argv[2]);
const stats = {};

function fresh(l) {
  return { conns: 0, roundTrips: 0, bytesUp: 0, bytesDown: 0, requests: {}, kind: l.count ?? null };
}

// ---- incremental parsers (client → server direction only) ------------------------------------
function redisParser(s) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const r = parseResp(buf);
      if (!r) return;
      buf = buf.subarray(r.used);
      const name = (r.name ?? '?').toLowerCase();
      s.requests[name] = (s.requests[name] ?? 0) + 1;
    }
  };
}

// One client command: *N\r\n then N bulk strings $len\r\n<bytes>\r\n (or an inline line).
function parseResp(buf) {
  if (!buf.length) return null;
  if (buf[0] !== 0x2a) {
    const eol = buf.indexOf('\r\n');
    if (eol < 0) return null;
    return { used: eol + 2, name: buf.subarray(0, eol).toString().split(' ')[0] };
  }
  let eol = buf.indexOf('\r\n');
  if (eol < 0) return null;
  const n = Number(buf.subarray(1, eol).toString());
  let pos = eol + 2;
  let name = null;
  for (let i = 0; i < n; i++) {
    if (pos >= buf.length) return null;
    eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return null;
    const len = Number(buf.subarray(pos + 1, eol).toString());
    const start = eol + 2;
    if (buf.length < start + len + 2) return null;
    if (i === 0) name = buf.subarray(start, start + len).toString();
    pos = start + len + 2;
  }
  return { used: pos, name };
}

function pgParser(s) {
  let buf = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (startup) {
        if (buf.length < 4) return;
        const len = buf.readInt32BE(0);
        if (buf.length < len) return;
        buf = buf.subarray(len);
        startup = false;
        s.requests.startup = (s.requests.startup ?? 0) + 1;
        continue;
      }
      if (buf.length < 5) return;
      const len = buf.readInt32BE(1);
      if (buf.length < 1 + len) return;
      const type = String.fromCharCode(buf[0]);
      s.requests[type] = (s.requests[type] ?? 0) + 1;
      buf = buf.subarray(1 + len);
    }
  };
}

// ---- listeners ----------------------------------------------------------------------------------
const servers = [];
for (const l of cfg.listeners) {
  stats[l.name] = fresh(l);
  let next = 0;
  const server = net.createServer((client) => {
    const target = l.targets[next++ % l.targets.length];
    const upstream = net.connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    if (!l.count) {
      client.pipe(upstream);
      upstream.pipe(client);
      return;
    }
    const s = stats[l.name];
    s.conns++;
    let lastUp = false;
    const parse = l.count === 'redis' ? redisParser(s) : l.count === 'pg' ? pgParser(s) : null;
    client.on('data', (chunk) => {
      if (!lastUp) s.roundTrips++;
      lastUp = true;
      s.bytesUp += chunk.length;
      if (parse) parse(chunk);
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk) => {
      lastUp = false;
      s.bytesDown += chunk.length;
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  server.listen(l.port, '127.0.0.1');
  servers.push(server);
}

const control = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset') {
    // In place: open connections hold a reference to their listener's counters.
    for (const l of cfg.listeners) Object.assign(stats[l.name], fresh(l), { conns: 0 });
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(stats));
});
control.listen(cfg.control, '127.0.0.1');

const stop = () => {
  control.close();
  for (const s of servers) s.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
