import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiResponse, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ChannelRegistry, MAX_CALL_LOGS_PER_REQUEST, type CallLogContext, type InputError, type PhoneAdapter } from '@omnihub/channels';
import { RetentionTasksService, type PartnerView } from '@omnihub/crm-core';
import { CurrentPartner, PartnerOnly } from '../../auth/access.decorators';
import { IngressQueue, type EnqueueOutcome } from '../ingress-queue.service';
import { CallLogSchema } from './call-log.schema';

@ApiTags('call-logs')
@ApiSecurity('partnerApiKey')
@ApiExtraModels(CallLogSchema)
@PartnerOnly()
@Controller('api/call-logs')
export class CallLogsController {
  private readonly adapter: PhoneAdapter;

  constructor(
    channels: ChannelRegistry,
    private readonly ingress: IngressQueue,
    private readonly tasks: RetentionTasksService,
  ) {
    this.adapter = channels.get('phone').callLogs;
  }

  /** One call log or up to 1000; one invalid item rejects them all and nothing is stored. */
  @Post()
  @HttpCode(202)
  @ApiResponse({
    status: 202,
    description:
      'queued: `{accepted, duplicates}`. An import (more than 10 call logs) is queued as fast as the workers work imports off, so its answer can take seconds',
  })
  @ApiResponse({
    status: 503,
    description:
      'the queue is down, or an import found no room for a minute; what the message says was queued stays queued, and sending the request again adds nothing twice (see Retry-After)',
  })
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(CallLogSchema) },
        { type: 'array', maxItems: MAX_CALL_LOGS_PER_REQUEST, items: { $ref: getSchemaPath(CallLogSchema) } },
      ],
    },
  })
  post(@Body() body: unknown, @CurrentPartner() partner: PartnerView): Promise<EnqueueOutcome> {
    if (!Array.isArray(body) || !this.ingress.isImport(body.length)) return this.accept(body, { partnerId: partner.id });
    // An import is background work: checked in its turn, resting after each part (IngressQueue).
    return this.ingress.importTurn(() =>
      this.accept(body, { partnerId: partner.id, betweenTurns: (at) => this.ingress.restAfterImportWork(at) }),
    );
  }

  private async accept(body: unknown, context: CallLogContext): Promise<EnqueueOutcome> {
    const parsed = await this.adapter.parseInbound(body, context);
    const errors = parsed.ok ? await this.foreignTasks(parsed.value, Array.isArray(body), context.partnerId) : parsed.errors;
    if (!parsed.ok || errors.length) {
      throw new BadRequestException({
        statusCode: 400,
        message: `The request holds ${errors.length} error(s); nothing was stored: ${errors
          .slice(0, 5)
          .map((e) => `${e.path}: ${e.message}`)
          .join('; ')}`,
        errors,
      });
    }
    return this.ingress.enqueue(parsed.value);
  }

  /** A call log may close only a task assigned to the calling partner. */
  private async foreignTasks(items: { metadata: Record<string, unknown> }[], bulk: boolean, partnerId: string): Promise<InputError[]> {
    const taskIds = items.map((item) => item.metadata.taskId).filter((id): id is string => typeof id === 'string');
    const own = await this.tasks.assignedToPartner(taskIds, partnerId);
    return items.flatMap(({ metadata: { taskId } }, index) =>
      typeof taskId === 'string' && !own.has(taskId)
        ? [{ path: bulk ? `[${index}].taskId` : 'taskId', message: 'taskId must be a task assigned to your call centre' }]
        : [],
    );
  }
}
