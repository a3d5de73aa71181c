import {
  ForbiddenError,
  IdempotencyKeyReusedError,
  NotFoundError,
  StaleRevisionError,
  UnreadableEventError,
} from '@app/application';
import { DomainError } from '@app/domain';
import { WrongExpectedRevisionError } from '@app/event-store';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { ProjectionBehindError } from '../projection/read-your-writes';

/** The one error shape of the API: { statusCode, error, code, message, ...details }. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  [detail: string]: unknown;
}

function body(
  statusCode: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message, ...details };
}

export function errorBodyOf(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    return body(HttpStatus.UNPROCESSABLE_ENTITY, exception.code, exception.reason, exception.details);
  }
  if (exception instanceof NotFoundError) return body(HttpStatus.NOT_FOUND, exception.code, exception.reason);
  if (exception instanceof ForbiddenError) return body(HttpStatus.FORBIDDEN, 'forbidden', exception.reason);
  if (exception instanceof StaleRevisionError) {
    return body(HttpStatus.CONFLICT, 'stale_revision', exception.message, {
      expectedRevision: exception.expectedRevision,
      currentRevision: exception.currentRevision,
    });
  }
  if (exception instanceof WrongExpectedRevisionError) {
    return body(
      HttpStatus.CONFLICT,
      'concurrent_modification',
      'the ticket changed while the command ran; retry',
    );
  }
  if (exception instanceof IdempotencyKeyReusedError) {
    return body(HttpStatus.UNPROCESSABLE_ENTITY, 'idempotency_key_reused', exception.reason);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null) {
      const { message, code, ...rest } = response as Record<string, unknown>;
      delete rest.statusCode;
      delete rest.error;
      const text = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
      return body(
        status,
        typeof code === 'string'
          ? code
          : (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/\W+/g, '_'),
        text,
        rest,
      );
    }
    return body(status, 'error', String(response));
  }
  if (exception instanceof ProjectionBehindError) {
    return body(HttpStatus.SERVICE_UNAVAILABLE, 'projection_behind', exception.message, {
      position: exception.position.toString(),
      projectionStatus: exception.projectionStatus,
    });
  }
  // Errors of the body parser (too large, bad JSON, bad encoding) are client errors that say so themselves.
  const clientError = exception as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  if (
    typeof clientError === 'object' &&
    clientError !== null &&
    clientError.expose === true &&
    typeof clientError.status === 'number' &&
    clientError.status >= 400 &&
    clientError.status < 500
  ) {
    const code = typeof clientError.type === 'string' ? clientError.type.replace(/\W+/g, '_') : 'bad_request';
    return body(clientError.status, code, String(clientError.message));
  }
  if (exception instanceof UnreadableEventError) {
    return body(HttpStatus.INTERNAL_SERVER_ERROR, 'unreadable_event', exception.message);
  }
  return body(
    HttpStatus.INTERNAL_SERVER_ERROR,
    'internal_error',
    'an unexpected error occurred; it has been logged',
  );
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const payload = errorBodyOf(exception);
    if (payload.statusCode >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    const response = host.switchToHttp().getResponse<{
      setHeader(name: string, value: string): void;
      status(code: number): { json(body: unknown): void };
    }>();
    if (payload.code === 'projection_behind') response.setHeader('Retry-After', '1');
    response.status(payload.statusCode).json(payload);
  }
}
