/**
 * Every error answer in the contract's shape, `{ statusCode, error, message }` with a non-empty string message,
 * whoever raised it: a controller, the ValidationPipe, the body parser (413, 415: Nest passes their http-errors
 * on as HttpExceptions whose body lacks `error`), or Express (a malformed path). A database that cannot be reached
 * is a 503 that says so, not a 500; anything else unexpected stays a logged 500 with a generic message.
 */
import { ArgumentsHost, Catch, HttpException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

/** Errors of a database that is down or restarting: connection refused or cut, server shutting down. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown })?.driverError];
  return candidates.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const code = String((e as { code?: unknown }).code ?? '');
    const message = String((e as { message?: unknown }).message ?? '');
    return (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) ||
      /^08/.test(code) || // connection exception class
      ['57P01', '57P02', '57P03'].includes(code) || // admin shutdown, crash shutdown, cannot connect now
      /Connection terminated|connection timeout|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(message)
    );
  });
}

@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (isDatabaseUnavailable(exception)) {
      exception = new ServiceUnavailableException('the database cannot be reached; try again shortly');
    }
    if (!(exception instanceof HttpException)) {
      super.catch(exception, host);
      return;
    }
    const statusCode = exception.getStatus();
    const error = STATUS_CODES[statusCode] ?? 'Error';
    const body = exception.getResponse();
    let message: unknown = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    if (Array.isArray(message)) message = message.join('; ');
    if (typeof message !== 'string' || message.trim() === '') message = error;
    const limit = (exception.cause as { limit?: unknown } | undefined)?.limit;
    if (statusCode === HttpStatus.PAYLOAD_TOO_LARGE && typeof limit === 'number') {
      message = `the request body is larger than the limit of ${limit} bytes`;
    }
    // 5xx bodies never carry internal details (BaseExceptionFilter's rule for unknown errors).
    if (statusCode >= 500 && statusCode !== HttpStatus.SERVICE_UNAVAILABLE) message = error;
    const res = host.switchToHttp().getResponse();
    const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (!adapter || adapter.isHeadersSent(res)) {
      super.catch(exception, host);
      return;
    }
    // A 429 says when to come back (WrongTokenThrottle puts the seconds in its body).
    const retryAfter = typeof body === 'object' ? (body as { retryAfterSeconds?: unknown }).retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') adapter.setHeader(res, 'Retry-After', String(retryAfter));
    adapter.reply(res, { statusCode, error, message }, statusCode);
  }
}
