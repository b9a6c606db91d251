import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ConversationsService, type AgentView } from '@omnihub/crm-core';
import { CurrentAgent } from '../auth/access.decorators';
import { ConversationQueryDto, CsatDto, UpdateConversationDto } from './conversation.dto';
import { ConversationTriageService } from './conversation-triage.service';

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly triage: ConversationTriageService,
  ) {}

  @Get()
  list(@Query() { assigneeId, ...query }: ConversationQueryDto, @CurrentAgent() agent: AgentView) {
    return this.conversations.list({ ...query, assigneeId: assigneeId === 'me' ? agent.id : assigneeId });
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string) {
    return this.conversations.withInteractions(id);
  }

  /** Resolving a conversation sends the satisfaction survey on its channel (CSAT_SURVEY). */
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() change: UpdateConversationDto) {
    return this.triage.change(id, change);
  }

  /** A score the customer gave another way (by phone); 1 or 2 opens a satisfaction task. */
  @Post(':id/csat')
  @HttpCode(200)
  recordCsat(@Param('id', ParseUUIDPipe) id: string, @Body() { score, comment }: CsatDto) {
    return this.triage.recordCsat(id, { score, comment: comment ?? null });
  }
}
