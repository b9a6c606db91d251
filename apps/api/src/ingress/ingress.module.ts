import { Module } from '@nestjs/common';
import {
  DELIVERY_STATUS_JOB_OPTIONS,
  DELIVERY_STATUS_QUEUE,
  INGEST_BULK_QUEUE,
  INGEST_JOB_OPTIONS,
  INGEST_QUEUE,
  registerQueues,
} from '@omnihub/crm-core';
import { CallLogsController } from './call-logs/call-logs.controller';
import { DeliveryStatusQueue } from './delivery-status-queue.service';
import { EmailIngress } from './email/email-ingress.service';
import { EmailWebhookController } from './email/email-webhook.controller';
import { Rfc822BodyParser } from './email/rfc822-body.parser';
import { SmtpListener } from './email/smtp-listener.service';
import { IngressQueue } from './ingress-queue.service';
import { TwilioSignatureGuard } from './sms/twilio-signature.guard';
import { TwilioWebhooksController } from './sms/twilio-webhooks.controller';

@Module({
  imports: [
    registerQueues(
      { name: INGEST_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS },
      { name: INGEST_BULK_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS },
      { name: DELIVERY_STATUS_QUEUE, defaultJobOptions: DELIVERY_STATUS_JOB_OPTIONS },
    ),
  ],
  controllers: [CallLogsController, TwilioWebhooksController, EmailWebhookController],
  providers: [IngressQueue, DeliveryStatusQueue, TwilioSignatureGuard, EmailIngress, Rfc822BodyParser, SmtpListener],
  exports: [IngressQueue],
})
export class IngressModule {}
