import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** A visitor's message (CONTRACT.md, "Chat"); its size is judged in bytes, by the channel. */
export class ChatMessageDto {
  @IsString()
  text: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  clientMessageId: string;
}

/** A visitor naming themselves; which identities it may claim is the channel's call. */
export class ChatIdentifyDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'userHash must be a hex HMAC-SHA256 (64 hex digits)' })
  userHash?: string;
}

/** Typing on or off, both ways. */
export class ChatTypingDto {
  @IsBoolean()
  typing: boolean;
}
