import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PartnersService } from '@omnihub/crm-core';
import { AdminOnly } from '../auth/access.decorators';
import { CreatePartnerDto } from './partner.dto';

@ApiTags('partners')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/partners')
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  /** The API key is in this answer only; it is stored as a hash. */
  @Post()
  create(@Body() { name }: CreatePartnerDto) {
    return this.partners.create(name);
  }

  /** Every partner, revoked ones too, with when its key was last used; never a key. */
  @Get()
  list() {
    return this.partners.list();
  }

  /** A new key, shown in this answer only; the old key is refused from now on. */
  @Post(':id/rotate-key')
  @HttpCode(200)
  rotateKey(@Param('id', ParseUUIDPipe) id: string) {
    return this.partners.rotateKey(id);
  }

  /** Revokes the partner: its key is refused from now on; its call logs stay. */
  @Delete(':id')
  @HttpCode(204)
  revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.partners.revoke(id);
  }
}
