import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AccountsService } from '@omnihub/crm-core';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';

export class CreateAccountDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class AccountQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

/** Business customers with several buyers; a customer joins one with `PATCH /api/customers/:id`. */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  create(@Body() { name }: CreateAccountDto) {
    return this.accounts.create(name);
  }

  @Get()
  list(@Query() { q, cursor, limit }: AccountQueryDto) {
    return this.accounts.list(q, cursor, limit);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.accounts.detail(id);
  }
}
