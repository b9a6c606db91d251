import { IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsInstant } from '../validation/is-instant';

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const CALL_OUTCOMES = ['answered', 'missed', 'voicemail', 'no_answer', 'callback_requested', 'complaint', 'sale'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One call as an outsourced call centre reports it (CONTRACT.md, "Call logs"). */
export class CallLogDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId: string;

  @IsIn(CALL_DIRECTIONS)
  direction: (typeof CALL_DIRECTIONS)[number];

  @IsString()
  @MaxLength(40)
  customerPhone: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  agentName?: string;

  @IsInstant()
  startedAt: string;

  @IsOptional()
  @IsInstant()
  endedAt?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  durationSeconds?: number;

  @IsIn(CALL_OUTCOMES)
  outcome: CallOutcome;

  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  notes?: string;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  recordingUrl?: string;

  @IsOptional()
  @IsUUID()
  taskId?: string;

  /** The satisfaction the customer gave on the call, 1 (far below expectation) to 5 (far above). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  csatScore?: number;
}
