import { ApiProperty } from '@nestjs/swagger';
import type { AuthSession } from '@ml-portal/contracts';

export class AuthSessionDto implements AuthSession {
  @ApiProperty({ example: true, description: 'The server has an API_TOKEN; the API needs it.' })
  required!: boolean;

  @ApiProperty({ example: true, description: 'This request carried the token or a session cookie (or none is needed).' })
  authenticated!: boolean;
}
