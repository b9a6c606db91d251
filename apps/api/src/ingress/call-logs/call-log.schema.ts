import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CALL_DIRECTIONS, CALL_OUTCOMES } from '@omnihub/channels';

/** OpenAPI description of a call log; validation itself lives in the phone adapter's DTO. */
export class CallLogSchema {
  @ApiProperty({ description: 'Your id for the call; re-posting it adds nothing' }) externalId: string;
  @ApiProperty({ enum: CALL_DIRECTIONS }) direction: string;
  @ApiProperty({ example: '+447700900123' }) customerPhone: string;
  @ApiPropertyOptional() customerName?: string;
  @ApiPropertyOptional() agentName?: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) endedAt?: string;
  @ApiPropertyOptional({ minimum: 0 }) durationSeconds?: number;
  @ApiProperty({ enum: CALL_OUTCOMES }) outcome: string;
  @ApiPropertyOptional() notes?: string;
  @ApiPropertyOptional({ format: 'uri' }) recordingUrl?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The retention task this call worked on' }) taskId?: string;
}
