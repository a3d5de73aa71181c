import { BadRequestException, ExecutionContext, createParamDecorator } from '@nestjs/common';
import { TicketCommandOptions } from '@app/application';
import { Principal } from '@app/domain';

type Headers = Record<string, string | string[] | undefined>;

const single = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  if (Array.isArray(value)) throw badHeader(name, 'must be given once');
  return value;
};

const badHeader = (name: string, problem: string) =>
  new BadRequestException({
    code: 'validation_failed',
    message: `header ${name} ${problem}`,
    fields: [{ field: `header:${name}`, problems: [problem] }],
  });

/** `If-Match: "3"` (or 3, or W/"3"): the stream revision the client saw. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value.trim());
  if (!match) throw badHeader('if-match', 'must be a stream revision such as "3"');
  return Number(match[1]);
}

/** Who sends the command and how: principal, If-Match, Idempotency-Key and X-Correlation-Id. */
export const CommandContext = createParamDecorator(
  (_: unknown, context: ExecutionContext): TicketCommandOptions => {
    const request = context.switchToHttp().getRequest<{ headers: Headers; principal: Principal }>();
    const idempotencyKey = single(request.headers, 'idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw badHeader('idempotency-key', 'must be 1 to 200 visible ASCII characters');
    }
    const correlationId = single(request.headers, 'x-correlation-id');
    if (correlationId !== undefined && !/^[\x21-\x7e]{1,200}$/.test(correlationId)) {
      throw badHeader('x-correlation-id', 'must be 1 to 200 visible ASCII characters');
    }
    return {
      principal: request.principal,
      expectedRevision: parseIfMatch(single(request.headers, 'if-match')),
      idempotencyKey,
      correlationId,
    };
  },
);
