import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorDto } from '../common/api-error.dto';
import { AuthService } from './auth.service';
import { AuthSessionDto } from './dto/auth-session.dto';
import { CreateSessionDto } from './dto/create-session.dto';
import { Public } from './public.decorator';
import { WrongTokenThrottle } from './wrong-token-throttle';

@ApiTags('auth')
@Public()
@Controller('auth/session')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: WrongTokenThrottle,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether the API needs a token, and whether this client has one' })
  @ApiOkResponse({ type: AuthSessionDto })
  session(@Req() req: Request): AuthSessionDto {
    return { required: this.auth.required, authenticated: this.auth.isAuthenticated(req.headers) };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign a browser in',
    description:
      'Trades the API token for an HttpOnly, SameSite=Strict session cookie, which the browser then sends with every ' +
      'request, EventSource included. API consumers send `Authorization: Bearer <token>` instead.',
  })
  @ApiOkResponse({ type: AuthSessionDto, description: 'Signed in; the answer sets the session cookie.' })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Wrong token.' })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description: 'Too many wrong tokens from this address (AUTH_MAX_FAILURES within AUTH_FAILURE_WINDOW_MS); Retry-After says when to retry.',
  })
  signIn(@Body() dto: CreateSessionDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): AuthSessionDto {
    if (!this.auth.required) return { required: false, authenticated: true };
    if (!this.throttle.attempt(req, () => this.auth.isToken(dto.token))) throw new UnauthorizedException('token: wrong API token');
    res.setHeader('Set-Cookie', this.auth.sessionCookie(req.secure));
    return { required: true, authenticated: true };
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign a browser out (clears the session cookie)' })
  @ApiNoContentResponse()
  signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    res.setHeader('Set-Cookie', this.auth.clearedSessionCookie(req.secure));
  }
}
