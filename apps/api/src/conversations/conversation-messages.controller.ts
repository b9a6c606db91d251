import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AgentView } from '@omnihub/crm-core';
import { CurrentAgent } from '../auth/access.decorators';
import { PostConversationMessageDto } from './conversation-message.dto';
import { ConversationMessagesService } from './conversation-messages.service';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/conversations')
export class ConversationMessagesController {
  constructor(private readonly messages: ConversationMessagesService) {}

  /**
   * 202: the reply is stored and queued; its deliveryStatus moves on live (`interaction.updated`).
   * 409 when the SMS recipient opted out or the channel cannot carry replies.
   */
  @Post(':id/messages')
  @HttpCode(202)
  post(@Param('id', ParseUUIDPipe) id: string, @Body() message: PostConversationMessageDto, @CurrentAgent() agent: AgentView) {
    return this.messages.post(id, agent, message);
  }
}
