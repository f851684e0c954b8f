/** Turns a failed request into words a user can act on, using the API's own error message when there is one. */
import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError } from '@ml-portal/contracts';

export function apiErrorMessage(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) {
    return 'Something went wrong.';
  }
  if (error.status === 0) {
    return 'The server cannot be reached. Is the portal running?';
  }
  const body = error.error as Partial<ApiError> | string | null;
  if (body && typeof body === 'object') {
    const message: unknown = body.message;
    if (typeof message === 'string' && message) {
      return message;
    }
    if (Array.isArray(message) && message.length > 0) {
      return message.join('; ');
    }
  }
  return `${error.status} ${error.statusText || 'Error'}`;
}

export function isHttpStatus(error: unknown, status: number): boolean {
  return error instanceof HttpErrorResponse && error.status === status;
}
