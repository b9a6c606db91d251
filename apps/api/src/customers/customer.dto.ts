import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BUSINESS_EVENT_TYPES,
  DEFECTOR_TYPES,
  LIFECYCLE_STAGES,
  type BusinessEventType,
  type DefectorType,
  type LifecycleStage,
} from '@omnihub/crm-core';
import { IsIn, IsISO8601, IsNotEmpty, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';
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

export class BusinessEventDto {
  @ApiProperty({ enum: BUSINESS_EVENT_TYPES })
  @IsIn(BUSINESS_EVENT_TYPES)
  type: BusinessEventType;

  @ApiPropertyOptional({ minimum: 0, maximum: 999_999_999_999 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(999_999_999_999)
  amount?: number;

  @ApiPropertyOptional({ description: 'what was bought' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  product?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional({ description: 'your id for the event; posting it again adds nothing' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  externalId?: string;
}

export class UpdateCustomerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'null detaches the customer from its account' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  accountId?: string | null;
}

export class DefectionDto {
  @ApiProperty({ enum: DEFECTOR_TYPES, description: 'why the customer left' })
  @IsIn(DEFECTOR_TYPES)
  type: DefectorType;

  @ApiPropertyOptional({ description: 'what the customer said' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default: now, or the cancellation that made the customer defected' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}
