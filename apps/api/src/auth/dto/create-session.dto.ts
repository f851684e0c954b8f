import { ApiProperty } from '@nestjs/swagger';
import type { CreateSessionRequest } from '@ml-portal/contracts';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateSessionDto implements CreateSessionRequest {
  @ApiProperty({ example: '3f9c...e1', description: 'The server\'s API_TOKEN.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  token!: string;
}
