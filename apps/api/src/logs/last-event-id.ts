import { BadRequestException, createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';

/** The `Last-Event-ID` request header (EventSource sends it when it reconnects). */
export const LastEventId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const value = ctx.switchToHttp().getRequest<Request>().headers['last-event-id'];
    return Array.isArray(value) ? value.join(',') : value;
  },
);

/** `Last-Event-ID` is the byte offset a reconnecting client got up to; anything else is refused, not ignored. */
@Injectable()
export class LastEventIdPipe implements PipeTransform<string | undefined, number | undefined> {
  transform(value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    if (!/^\d{1,16}$/.test(value.trim())) {
      throw new BadRequestException('Last-Event-ID must be a byte offset (a non-negative integer), as sent in the id of a log event');
    }
    return Number(value.trim());
  }
}
