import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DELIVERY_STATUS_JOB_OPTIONS, DELIVERY_STATUS_QUEUE, INGEST_BULK_QUEUE, INGEST_JOB_OPTIONS, INGEST_QUEUE } from '@omnihub/crm-core';
import { CallLogsController } from './call-logs/call-logs.controller';
import { ChatLimits } from './chat/chat-limits.service';
import { ChatRooms } from './chat/chat-rooms.service';
import { ChatTypingController } from './chat/chat-typing.controller';
import { ChatVisitors } from './chat/chat-visitors.service';
import { ChatWidgetController } from './chat/chat-widget.controller';
import { ChatGateway } from './chat/chat.gateway';
import { RealtimeModule } from '../realtime/realtime.module';
import { IngressQueue } from './ingress-queue.service';
import { DeliveryStatusQueue } from './sms/delivery-status-queue.service';
import { TwilioSignatureGuard } from './sms/twilio-signature.guard';
import { TwilioWebhooksController } from './sms/twilio-webhooks.controller';

@Module({
  imports: [
    RealtimeModule,
    BullModule.registerQueue(
      { name: INGEST_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS },
      { name: INGEST_BULK_QUEUE, defaultJobOptions: INGEST_JOB_OPTIONS },
      { name: DELIVERY_STATUS_QUEUE, defaultJobOptions: DELIVERY_STATUS_JOB_OPTIONS },
    ),
  ],
  controllers: [CallLogsController, TwilioWebhooksController, ChatTypingController, ChatWidgetController],
  providers: [IngressQueue, DeliveryStatusQueue, TwilioSignatureGuard, ChatGateway, ChatVisitors, ChatLimits, ChatRooms],
})
export class IngressModule {}
