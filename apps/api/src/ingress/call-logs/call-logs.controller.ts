import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiSecurity, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ChannelRegistry, MAX_CALL_LOGS_PER_REQUEST, type PhoneAdapter } from '@omnihub/channels';
import type { PartnerView } from '@omnihub/crm-core';
import { CurrentPartner, PartnerOnly } from '../../auth/access.decorators';
import { IngressQueue } from '../ingress-queue.service';
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
  ) {
    this.adapter = channels.get('phone').callLogs;
  }

  /** One call log or up to 1000; one invalid item rejects them all and nothing is stored. */
  @Post()
  @HttpCode(202)
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(CallLogSchema) },
        { type: 'array', maxItems: MAX_CALL_LOGS_PER_REQUEST, items: { $ref: getSchemaPath(CallLogSchema) } },
      ],
    },
  })
  async post(@Body() body: unknown, @CurrentPartner() partner: PartnerView) {
    const parsed = this.adapter.parseInbound(body, { partnerId: partner.id });
    if (!parsed.ok) {
      throw new BadRequestException({
        statusCode: 400,
        message: `The request holds ${parsed.errors.length} error(s); nothing was stored: ${parsed.errors
          .slice(0, 5)
          .map((e) => `${e.path}: ${e.message}`)
          .join('; ')}`,
        errors: parsed.errors,
      });
    }
    return this.ingress.enqueue(parsed.value);
  }
}
