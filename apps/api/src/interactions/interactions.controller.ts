import { Body, Controller, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { INTENTS, type Intent } from '@omnihub/channels';
import { IntentOverrideService } from '@omnihub/crm-core';
import { IsIn } from 'class-validator';
import { AgentEventsService } from '../realtime/agent-events.service';

export class UpdateInteractionDto {
  @ApiProperty({ enum: INTENTS, description: "an agent's judgement; it wins over the rules' in every metric" })
  @IsIn(INTENTS)
  intent: Intent;
}

/** _Extension_: an agent overrides what an inbound message or call is about. */
@ApiTags('interactions')
@ApiBearerAuth()
@Controller('api/interactions')
export class InteractionsController {
  constructor(
    private readonly intents: IntentOverrideService,
    private readonly events: AgentEventsService,
  ) {}

  @Patch(':id')
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() { intent }: UpdateInteractionDto) {
    const { interaction, changes } = await this.intents.override(id, intent);
    this.events.emit('interaction.updated', { interaction });
    for (const customer of changes.customers) this.events.emit('customer.updated', { customer });
    for (const task of changes.tasksCreated) this.events.emit('task.created', { task });
    for (const task of changes.tasksUpdated) this.events.emit('task.updated', { task });
    return interaction;
  }
}
