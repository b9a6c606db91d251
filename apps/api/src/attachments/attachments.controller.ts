import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AttachmentsService } from '@omnihub/crm-core';
import type { FastifyReply } from 'fastify';

/**
 * A file that came with an inbound message, for agents. Always a download, never rendered by
 * the browser in the hub's origin: `Content-Disposition: attachment` and `nosniff`, whatever
 * type the sender claimed.
 */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller('api/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Get(':id')
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 200, description: 'the file, as a download' })
  @ApiResponse({ status: 404, description: 'no attachment with that id' })
  async download(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const attachment = await this.attachments.find(id);
    if (!attachment) throw new NotFoundException(`Attachment ${id} not found`);
    const ascii = attachment.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    void reply
      .type(/^[\w.+-]+\/[\w.+-]+$/.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream')
      .header('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox");
    return attachment.content;
  }
}
