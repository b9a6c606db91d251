import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RetentionTasksService, type AgentView, type PartnerView } from '@omnihub/crm-core';
import { CurrentAgent, CurrentPartner, PartnerOnly } from '../auth/access.decorators';
import { AgentEventsService } from '../realtime/agent-events.service';
import { PageQueryDto } from '../http/page-query.dto';
import { TaskQueryDto, UpdateTaskDto } from './task.dto';

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
    return this.tasks.list({ ...query, assigneeId: assigneeId === 'me' ? agent.id : undefined });
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
  partnerTasks(@Query() query: PageQueryDto, @CurrentPartner() partner: PartnerView) {
    return this.tasks.list({ ...query, partnerId: partner.id });
  }
}
