import { Module } from '@nestjs/common';
import { RealtimeModule } from '../../realtime/realtime.module';
import { IngressModule } from '../ingress.module';
import { ChatLimits } from './chat-limits.service';
import { ChatRooms } from './chat-rooms.service';
import { ChatTypingController } from './chat-typing.controller';
import { ChatVisitors } from './chat-visitors.service';
import { ChatWidgetController } from './chat-widget.controller';
import { ChatGateway } from './chat.gateway';

/** Website live chat: the `/chat` gateway, agents' typing, the widget and its demo page. */
@Module({
  imports: [IngressModule, RealtimeModule],
  controllers: [ChatTypingController, ChatWidgetController],
  providers: [ChatGateway, ChatVisitors, ChatLimits, ChatRooms],
})
export class ChatIngressModule {}
