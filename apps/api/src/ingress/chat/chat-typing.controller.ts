import { Body, ConflictException, Controller, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AgentView } from '@omnihub/crm-core';
import { IsBoolean } from 'class-validator';
import { CurrentAgent } from '../../auth/access.decorators';
import { ChatRooms } from './chat-rooms.service';
import { ChatVisitors } from './chat-visitors.service';

export class AgentTypingDto {
  @ApiProperty({ description: 'true while the agent is typing a reply, false when they stop' })
  @IsBoolean()
  typing: boolean;
}

/** Agents act through REST, so their typing indicator reaches the visitor through a route. */
@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/conversations')
export class ChatTypingController {
  constructor(
    private readonly visitors: ChatVisitors,
    private readonly rooms: ChatRooms,
  ) {}

  /** 204: the visitor's open tabs show (or stop showing) that the agent is typing. 409 on other channels. */
  @Post(':id/typing')
  @HttpCode(204)
  async typing(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() { typing }: AgentTypingDto,
    @CurrentAgent() agent: AgentView,
  ): Promise<void> {
    const conversation = await this.visitors.conversation(id);
    if (!conversation) throw new NotFoundException(`conversation ${id} does not exist`);
    if (!conversation.visitorId) {
      throw new ConflictException(`typing indicators exist only on chat conversations; this one is ${conversation.channel}`);
    }
    this.rooms.toVisitor(conversation.visitorId, 'typing', { typing, agentName: agent.name });
  }
}
