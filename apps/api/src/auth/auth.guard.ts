/**
 * The global guard: with API_TOKEN set, every route not marked @Public() answers 401 to a request without the
 * token or a session cookie. Guards run before pipes and handlers, so a 401 says nothing about the run asked for
 * (not even whether its id is well-formed), and an SSE request gets a JSON 401 before any event.
 */
import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { IS_PUBLIC } from './public.decorator';
import { WrongTokenThrottle } from './wrong-token-throttle';

export const UNAUTHORIZED_MESSAGE =
  'an API token is required: send Authorization: Bearer <token>, or sign in with POST /api/auth/session';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: WrongTokenThrottle,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.auth.required) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.auth.presentsCredentials(req.headers)) throw new UnauthorizedException(UNAUTHORIZED_MESSAGE);
    if (this.throttle.attempt(req, () => this.auth.isAuthenticated(req.headers))) return true;
    throw new UnauthorizedException(UNAUTHORIZED_MESSAGE);
  }
}
