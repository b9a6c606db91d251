import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class PostConversationMessageDto {
  @ApiProperty({ description: 'Sent on the conversation’s own channel (SMS replies: at most 1600 characters)', maxLength: 20_000 })
  @IsString()
  @Matches(/\S/, { message: 'text must not be empty' })
  @MaxLength(20_000)
  text: string;

  @ApiPropertyOptional({ description: 'true: an internal note for agents, never sent to the customer', default: false })
  @IsOptional()
  @IsBoolean()
  private?: boolean;
}
