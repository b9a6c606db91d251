import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CustomersService } from '@omnihub/crm-core';
import { PageQueryDto } from '../http/page-query.dto';
import { AgentEventsService } from '../realtime/agent-events.service';
import { CustomerQueryDto, MergeCustomerDto } from './customer.dto';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
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

  @Get(':id/interactions')
  interactions(@Param('id', ParseUUIDPipe) id: string, @Query() { cursor, limit }: PageQueryDto) {
    return this.customers.interactions(id, cursor, limit);
  }

  @Post(':id/merge')
  @HttpCode(200)
  async merge(@Param('id', ParseUUIDPipe) id: string, @Body() { otherCustomerId }: MergeCustomerDto) {
    const customer = await this.customers.merge(id, otherCustomerId);
    this.events.emit('customer.updated', { customer });
    return customer;
  }
}
