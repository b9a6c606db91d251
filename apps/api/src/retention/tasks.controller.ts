import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RetentionTasksService, type AgentView, type PartnerView } from '@omnihub/crm-core';
import { CurrentAgent, CurrentPartner, PartnerOnly } from '../auth/access.decorators';
import { AgentEventsService } from '../realtime/agent-events.service';
import { CreateTaskDto, PartnerTaskQueryDto, TaskQueryDto, UpdateTaskDto } from './task.dto';

@ApiTags('tasks')
@Controller('api')
export class TasksController {
  constructor(
    private readonly tasks: RetentionTasksService,
    private readonly events: AgentEventsService,
  ) {}

  @ApiBearerAuth()
  @Get('tasks')
  list(@Query() { assigneeId, ...query }: TaskQueryDto, @CurrentAgent() agent: AgentView) {
    return this.tasks.list({ ...query, assigneeId: assigneeId === 'me' ? agent.id : assigneeId });
  }

  /** A follow-up task, for an agent or a call centre. */
  @ApiBearerAuth()
  @Post('tasks')
  async create(@Body() input: CreateTaskDto) {
    const task = await this.tasks.createFollowUp(input);
    this.events.emit('task.created', { task });
    return task;
  }

  @ApiBearerAuth()
  @Patch('tasks/:id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() change: UpdateTaskDto) {
    const task = await this.tasks.change(id, change);
    this.events.emit('task.updated', { task });
    return task;
  }

  /** The calling call centre's tasks. */
  @ApiSecurity('partnerApiKey')
  @PartnerOnly()
  @Get('partner/tasks')
  partnerTasks(@Query() query: PartnerTaskQueryDto, @CurrentPartner() partner: PartnerView) {
    return this.tasks.list({ ...query, partnerId: partner.id });
  }
}
