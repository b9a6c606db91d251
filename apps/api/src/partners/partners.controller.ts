import { Body, Controller, Get, Post } from '@nestjs/common';
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

  @Get()
  list() {
    return this.partners.list();
  }
}
