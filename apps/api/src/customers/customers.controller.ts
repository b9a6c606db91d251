import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountsService, BusinessEventsService, CustomersService, DefectionService, LifecycleHistoryService } from '@omnihub/crm-core';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../http/page-query.dto';
import { AgentEventsService } from '../realtime/agent-events.service';
import { BusinessEventDto, CustomerQueryDto, DefectionDto, MergeCustomerDto, UpdateCustomerDto } from './customer.dto';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly accounts: AccountsService,
    private readonly businessEvents: BusinessEventsService,
    private readonly lifecycle: LifecycleHistoryService,
    private readonly defections: DefectionService,
    private readonly events: AgentEventsService,
  ) {}

  @Get()
  list(@Query() query: CustomerQueryDto) {
    return this.customers.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.customers.detail(id);
  }

  @Patch(':id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() change: UpdateCustomerDto) {
    await this.accounts.changeCustomer(id, change);
    const customer = await this.customers.detail(id);
    const { metrics: _metrics, openTasks: _tasks, ...summary } = customer;
    this.events.emit('customer.updated', { customer: summary });
    return customer;
  }

  /** Extension: the daily activity buckets behind the metrics, for the inbox's chart. */
  @Get(':id/activity')
  activity(@Param('id', ParseUUIDPipe) id: string) {
    return this.customers.activity(id);
  }

  @Get(':id/interactions')
  interactions(@Param('id', ParseUUIDPipe) id: string, @Query() { cursor, limit }: PageQueryDto) {
    return this.customers.interactions(id, cursor, limit);
  }

  /** `201` a new event; `200` with the first one when its `externalId` was seen before. */
  @Post(':id/events')
  async recordEvent(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() input: BusinessEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const recorded = await this.businessEvents.record(id, input);
    if (!recorded.created) {
      reply.status(200);
      return { event: recorded.event };
    }
    for (const customer of recorded.changes.customers) this.events.emit('customer.updated', { customer });
    for (const task of recorded.changes.tasksCreated) this.events.emit('task.created', { task });
    for (const task of recorded.changes.tasksUpdated) this.events.emit('task.updated', { task });
    return { event: recorded.event };
  }

  /** The customer left, and why: `defected`, with a re-acquisition task whose reason fits the type. */
  @Post(':id/defection')
  @HttpCode(200)
  async recordDefection(@Param('id', ParseUUIDPipe) id: string, @Body() input: DefectionDto) {
    const recorded = await this.defections.record(id, input);
    for (const customer of recorded.customers) this.events.emit('customer.updated', { customer });
    for (const task of recorded.tasksCreated) this.events.emit('task.created', { task });
    for (const task of recorded.tasksUpdated) this.events.emit('task.updated', { task });
    return this.customers.detail(recorded.customerId);
  }

  @Get(':id/events')
  listEvents(@Param('id', ParseUUIDPipe) id: string, @Query() { cursor, limit }: PageQueryDto) {
    return this.businessEvents.list(id, cursor, limit);
  }

  /** Every lifecycle change and why, newest first. */
  @Get(':id/lifecycle')
  history(@Param('id', ParseUUIDPipe) id: string, @Query() { cursor, limit }: PageQueryDto) {
    return this.lifecycle.list(id, cursor, limit);
  }

  @Post(':id/merge')
  @HttpCode(200)
  async merge(@Param('id', ParseUUIDPipe) id: string, @Body() { otherCustomerId }: MergeCustomerDto) {
    const customer = await this.customers.merge(id, otherCustomerId);
    this.events.emit('customer.updated', { customer });
    return customer;
  }
}
