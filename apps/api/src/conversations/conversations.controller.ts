import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ConversationsService, type AgentView } from '@omnihub/crm-core';
import { CurrentAgent } from '../auth/access.decorators';
import { AgentEventsService } from '../realtime/agent-events.service';
import { ConversationQueryDto, UpdateConversationDto } from './conversation.dto';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly events: AgentEventsService,
  ) {}

  @Get()
  list(@Query() { assigneeId, ...query }: ConversationQueryDto, @CurrentAgent() agent: AgentView) {
    return this.conversations.list({ ...query, assigneeId: assigneeId === 'me' ? agent.id : assigneeId });
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string) {
    return this.conversations.withInteractions(id);
  }

  @Patch(':id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() change: UpdateConversationDto) {
    const conversation = await this.conversations.change(id, change);
    this.events.emit('conversation.updated', { conversation });
    return conversation;
  }
}
