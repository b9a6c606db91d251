import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreatePartnerDto {
  @ApiProperty({ example: 'Northwind Call Centre' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}
