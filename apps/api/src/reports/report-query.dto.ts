import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class RetentionReportQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'the start of the period; default: 90 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'the end of the period; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
