import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AgentsService } from '@omnihub/crm-core';
import { AdminOnly } from '../auth/access.decorators';
import { AgentEventsService } from '../realtime/agent-events.service';
import { CreateAgentDto, UpdateAgentDto } from './agent.dto';

@ApiTags('agents')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly events: AgentEventsService,
  ) {}

  @Post()
  create(@Body() agent: CreateAgentDto) {
    return this.agents.create(agent);
  }

  @Get()
  list() {
    return this.agents.list();
  }

  @Patch(':id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() change: UpdateAgentDto) {
    const agent = await this.agents.change(id, change);
    // Their tokens stopped working with the change; their open sockets end now, on every instance.
    if (!agent.active || change.password !== undefined) await this.events.disconnectAgent(agent.id);
    return agent;
  }
}
