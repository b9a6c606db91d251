// The email scenario's SMTP client: plain SMTP (RFC 5321) on a few kept-open connections, one mail
// at a time on each. nodemailer's client cost the load generator about 1 ms of CPU per 20 KB mail
// (it scans every byte to dot-stuff), which it took from the hub on the same cores; the bench's
// mails are dot-stuffed once, when they are built.
import net from 'node:net';

/** One connection: `send(from, to, raw)` resolves with the server's answer to the message, or rejects with it. */
function connect(host, port) {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  const waiting = []; // one resolver per reply expected, in order
  let buffer = '';
  let lines = [];
  let failed = null;
  socket.setEncoding('latin1');
  socket.on('data', (data) => {
    buffer += data;
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      lines.push(line);
      // "250-…" continues a reply, "250 …" ends it.
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: lines.join('\n') };
      lines = [];
      waiting.shift()?.(reply);
    }
  });
  const fail = (error) => {
    failed ??= error;
    for (const resolve of waiting.splice(0)) resolve({ code: 0, text: failed.message, error: failed });
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed')));
  const reply = () => new Promise((resolve) => (failed ? resolve({ code: 0, text: failed.message }) : waiting.push(resolve)));
  const command = (line) => {
    const answer = reply();
    socket.write(`${line}\r\n`);
    return answer;
  };
  const expect = async (answer, code) => {
    const r = await answer;
    if (r.code !== code) throw Object.assign(new Error(`SMTP ${r.code}: ${r.text}`), { responseCode: r.code });
    return r;
  };
  const ready = (async () => {
    await expect(reply(), 220);
    await expect(command('EHLO bench.test'), 250);
  })();
  return {
    async send(from, to, stuffed) {
      await ready;
      await expect(command(`MAIL FROM:<${from}>`), 250);
      await expect(command(`RCPT TO:<${to}>`), 250);
      await expect(command('DATA'), 354);
      const answer = reply();
      socket.write(stuffed);
      socket.write('\r\n.\r\n');
      return expect(answer, 250);
    },
    close() {
      socket.end('QUIT\r\n');
    },
  };
}

/** `connections` connections to host:port; `send` takes the next free one. */
export function smtpPool(host, port, connections) {
  const idle = Array.from({ length: connections }, () => connect(host, port));
  const all = [...idle];
  const queue = [];
  const take = () => (idle.length ? Promise.resolve(idle.pop()) : new Promise((resolve) => queue.push(resolve)));
  const give = (c) => (queue.length ? queue.shift()(c) : idle.push(c));
  return {
    async send(from, to, stuffed) {
      const c = await take();
      try {
        return await c.send(from, to, stuffed);
      } finally {
        give(c);
      }
    },
    close() {
      for (const c of all) c.close();
    },
  };
}

/** A message as DATA carries it: a leading dot doubled on every line (RFC 5321 4.5.2). */
export function dotStuffed(raw) {
  const text = raw.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return stuffed === text ? raw : Buffer.from(stuffed, 'latin1');
}
