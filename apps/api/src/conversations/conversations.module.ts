import { Module } from '@nestjs/common';
import { OUTBOUND_SEND_JOB_OPTIONS, OUTBOUND_SEND_QUEUE, registerQueues } from '@omnihub/crm-core';
import { InteractionsController } from '../interactions/interactions.controller';
import { RealtimeModule } from '../realtime/realtime.module';
import { ConversationMessagesController } from './conversation-messages.controller';
import { ConversationMessagesService } from './conversation-messages.service';
import { ConversationTriageService } from './conversation-triage.service';
import { ConversationsController } from './conversations.controller';

@Module({
  imports: [RealtimeModule, registerQueues({ name: OUTBOUND_SEND_QUEUE, defaultJobOptions: OUTBOUND_SEND_JOB_OPTIONS })],
  controllers: [ConversationsController, ConversationMessagesController, InteractionsController],
  providers: [ConversationMessagesService, ConversationTriageService],
})
export class ConversationsModule {}
