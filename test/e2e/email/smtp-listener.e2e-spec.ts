import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainEmail } from '@omnihub/channels/testing/raw-emails';
import nodemailer from 'nodemailer';
import { Hub } from '../../support/hub';
import { freePort } from '../../support/processes';
import { waitFor } from '../../support/wait-for';
import { refusalOf, sendRawOverSmtp } from './smtp-peers';

const AUTH = { user: 'relay', pass: 'relay-password-1' };

/** The listener as an operator hardens it: STARTTLS with their certificate, AUTH required, few recipients. */
describe('Email inbound: the SMTP listener with STARTTLS, AUTH and a recipient limit', () => {
  let hub: Hub;
  let smtpPort: number;
  let certDir: string;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'omnihub-smtp-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    smtpPort = await freePort();
    hub = await Hub.start({
      name: 'email_smtp_listener',
      redisDb: 'private',
      env: {
        SMTP_INBOUND_PORT: String(smtpPort),
        SMTP_INBOUND_TLS_KEY: join(certDir, 'key.pem'),
        SMTP_INBOUND_TLS_CERT: join(certDir, 'cert.pem'),
        SMTP_INBOUND_AUTH_USER: AUTH.user,
        SMTP_INBOUND_AUTH_PASSWORD: AUTH.pass,
        SMTP_INBOUND_MAX_RECIPIENTS: '2',
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  /** A relay: upgrades with STARTTLS (the test certificate is self-signed), then logs in. */
  const sendAsRelay = async (raw: string, options: { auth?: typeof AUTH; to?: string[] } = {}) => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: options.auth ?? AUTH,
    });
    try {
      return await transport.sendMail({ envelope: { from: 'ann@example.com', to: options.to ?? ['support@hub.test'] }, raw });
    } finally {
      transport.close();
    }
  };
  const stored = (messageId: string) =>
    waitFor(
      `the interaction of ${messageId}`,
      async () => (await hub.count('SELECT count(*) AS n FROM interactions WHERE external_id = $1', [messageId])) || undefined,
    );

  it('takes mail over STARTTLS from a client that logged in', async () => {
    const info = await sendAsRelay(plainEmail('Over TLS', { messageId: '<tls-1@example.com>' }));
    expect(info.response).toMatch(/^250/);
    expect(await stored('<tls-1@example.com>')).toBe(1);
  });

  it('refuses mail without AUTH, a wrong password, and AUTH before STARTTLS; stores none of it', async () => {
    const before = await hub.count('SELECT count(*) AS n FROM interactions');
    expect((await refusalOf(sendRawOverSmtp(smtpPort, plainEmail('No login', { messageId: '<noauth@example.com>' })))).responseCode).toBe(
      530,
    );
    expect(
      (
        await refusalOf(
          sendAsRelay(plainEmail('Bad login', { messageId: '<badauth@example.com>' }), { auth: { user: AUTH.user, pass: 'wrong' } }),
        )
      ).responseCode,
    ).toBe(535);
    const plaintext = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, auth: AUTH });
    try {
      const refusal = await refusalOf(
        plaintext.sendMail({
          envelope: { from: 'ann@example.com', to: ['support@hub.test'] },
          raw: plainEmail('Clear', { messageId: '<clear@example.com>' }),
        }),
      );
      expect(refusal.responseCode).toBe(538);
    } finally {
      plaintext.close();
    }
    await sendAsRelay(plainEmail('After the refusals', { messageId: '<tls-2@example.com>' }));
    await stored('<tls-2@example.com>');
    expect(await hub.count('SELECT count(*) AS n FROM interactions')).toBe(before + 1);
  });

  it('answers 452 for recipients over the limit and delivers to the ones it took', async () => {
    const info = await sendAsRelay(plainEmail('Many recipients', { messageId: '<many@example.com>' }), {
      to: ['a@hub.test', 'b@hub.test', 'c@hub.test'],
    });
    expect(info.accepted).toEqual(['a@hub.test', 'b@hub.test']);
    expect(info.rejected).toEqual(['c@hub.test']);
    expect(String((info.rejectedErrors as Array<{ response: string }> | undefined)?.[0]?.response)).toMatch(
      /^452 4\.5\.3 Too many recipients/,
    );
    expect(await stored('<many@example.com>')).toBe(1);
  });
});
