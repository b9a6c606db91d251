import { readFileSync } from 'node:fs';
import { HttpException, HttpStatus, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EmailInboundLimits } from '@omnihub/channels';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions } from 'smtp-server';
import { ApiConfig } from '../../config/api-config';
import { EmailIngress } from './email-ingress.service';

/** An SMTP error reply: smtp-server answers with `responseCode` and the message. */
function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The inbound SMTP listener on `SMTP_INBOUND_PORT` (0: off), started with the api. Any recipient
 * is accepted; a message gets `250` only once it is durably queued, `451` (try again later) when
 * it could not be, and `552` when it is over the size limit; nothing is kept in those cases.
 */
@Injectable()
export class SmtpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SmtpListener.name);
  private server?: SMTPServer;

  constructor(
    private readonly config: ApiConfig,
    private readonly email: EmailIngress,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.smtpInboundPort === 0) return;
    const server = new SMTPServer(this.options(this.email.email.settings.inbound));
    server.on('error', (error) => this.logger.warn(`SMTP connection error: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.smtpInboundPort, '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    // Waits for open sessions to finish (up to closeTimeout), so a message being queued is not cut off.
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private options(limits: EmailInboundLimits): SMTPServerOptions {
    const tls =
      limits.tlsKeyFile && limits.tlsCertFile ? { key: readFileSync(limits.tlsKeyFile), cert: readFileSync(limits.tlsCertFile) } : null;
    const auth = limits.auth;
    return {
      banner: 'Omnihub',
      logger: false,
      size: limits.maxMessageBytes,
      maxClients: limits.maxClients,
      socketTimeout: limits.socketTimeoutMs,
      closeTimeout: 30_000,
      ...(tls ?? {}),
      disabledCommands: [...(tls ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])],
      authOptional: !auth,
      // Without TLS, AUTH is only for a relay on a trusted network; with it, only over TLS.
      allowInsecureAuth: !tls,
      onAuth: (credentials, _session, callback) => {
        if (auth && credentials.username === auth.user && credentials.password === auth.password)
          return callback(null, { user: auth.user });
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo: (_address, session, callback) => {
        if (session.envelope.rcptTo.length >= limits.maxRecipients) {
          return callback(smtpError(452, `4.5.3 Too many recipients (at most ${limits.maxRecipients} per message)`));
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        this.receive(stream, limits.maxMessageBytes).then(
          () => callback(null),
          (error: Error) => callback(error),
        );
      },
    };
  }

  private async receive(stream: SMTPServerDataStream, limit: number): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Read to the end (the protocol needs it) but keep nothing past the limit.
      if (size <= limit) chunks.push(chunk);
    }
    if (stream.sizeExceeded || size > limit) {
      throw smtpError(552, `5.3.4 Message too big: the limit is ${limit} bytes; nothing was stored`);
    }
    try {
      await this.email.receive(Buffer.concat(chunks), 'smtp');
    } catch (error) {
      throw this.toSmtpError(error);
    }
  }

  private toSmtpError(error: unknown): Error {
    if (error instanceof HttpException && error.getStatus() === HttpStatus.BAD_REQUEST) {
      return smtpError(550, `5.6.0 ${error.message}`);
    }
    // Redis (or anything else) down: a temporary failure, so the sending server tries again.
    this.logger.error(`could not queue an inbound message: ${(error as Error).message}`);
    return smtpError(451, '4.3.0 The hub could not queue the message right now; nothing was stored. Try again later.');
  }
}
