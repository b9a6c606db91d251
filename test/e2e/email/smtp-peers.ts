import { execFile } from 'node:child_process';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../support/processes';

/** The error a client got from the listener: the SMTP reply code and text. */
export interface SmtpRefusal {
  responseCode?: number;
  response?: string;
}

/** Sends a raw message to the hub's listener as any mail server would, with nodemailer as the client. */
export async function sendRawOverSmtp(
  port: number,
  raw: string | Buffer,
  envelope = { from: 'ann@example.com', to: ['support@hub.test'] },
) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}

/** Composes and sends a message with nodemailer, as a mail client would. */
export async function sendOverSmtp(port: number, message: SendMailOptions) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

/** The refusal of a send that must fail. */
export async function refusalOf(send: Promise<unknown>): Promise<SmtpRefusal> {
  try {
    await send;
  } catch (error) {
    return error as SmtpRefusal;
  }
  throw new Error('the SMTP server accepted a message it should have refused');
}

/** Sends with swaks (the Debian package), the Swiss Army knife of SMTP testing. */
export function swaks(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('swaks', ['--server', `127.0.0.1:${port}`, '--silent', '2', ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`swaks failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** A test mail server the hub sends its replies to: it keeps every message, parsed. */
export class SmtpSink {
  readonly received: Array<{ envelope: { from: string; to: string[] }; raw: string; mail: ParsedMail }> = [];
  /** Recipients the sink refuses permanently, as a server refuses an unknown mailbox. */
  readonly refuse = new Set<string>();
  /** Recipients the sink answers `451` (try again later), counting each attempt. */
  readonly deferred = new Map<string, number>();

  private constructor(
    readonly port: number,
    private readonly server: SMTPServer,
  ) {}

  static async start(): Promise<SmtpSink> {
    const port = await freePort();
    const sink: SmtpSink = new SmtpSink(
      port,
      new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onRcptTo: (address, _session, callback) => {
          const attempts = sink.deferred.get(address.address);
          if (attempts !== undefined) {
            sink.deferred.set(address.address, attempts + 1);
            return callback(Object.assign(new Error('4.2.0 Mailbox busy, try again later'), { responseCode: 451 }));
          }
          return sink.refuse.has(address.address)
            ? callback(
                Object.assign(new Error('5.1.1 <' + address.address + '>: Recipient address rejected: User unknown'), {
                  responseCode: 550,
                }),
              )
            : callback();
        },
        onData: (stream, session, callback) => {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks);
            void simpleParser(raw).then((mail) => {
              sink.received.push({
                envelope: {
                  from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                raw: raw.toString('utf8'),
                mail,
              });
              callback();
            }, callback);
          });
        },
      }),
    );
    await new Promise<void>((resolve) => sink.server.listen(port, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
