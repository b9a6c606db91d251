import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LIFECYCLE_STAGES, type LifecycleStage } from '@omnihub/crm-core';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';

export class CustomerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'part of a name, a whole email address, or a phone number in any format' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  lifecycleStage?: LifecycleStage;
}

export class MergeCustomerDto {
  @ApiProperty({ description: 'the customer that is the same person; it is folded into this one' })
  @IsUUID()
  otherCustomerId: string;
}
