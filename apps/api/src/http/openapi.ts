import type { OpenAPIObject } from '@nestjs/swagger';

/** The schema of ErrorBody (error-filter.ts), the one shape every error answer has. */
const ERROR_SCHEMA = {
  type: 'object',
  description:
    'Every error: a status, a machine-readable code, a message for people, and details that depend on the code',
  required: ['statusCode', 'error', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', description: 'The status text', example: 'Bad Request' },
    code: {
      type: 'string',
      description:
        'validation_failed, not_found, forbidden, stale_revision, the code of a refused transition, ...',
      example: 'validation_failed',
    },
    message: { type: 'string' },
    fields: {
      type: 'array',
      description: 'validation_failed: each field at fault and what is wrong with it',
      items: {
        type: 'object',
        required: ['field', 'problems'],
        properties: { field: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } },
      },
    },
    expectedRevision: { type: 'integer', description: 'stale_revision: the If-Match revision sent' },
    currentRevision: { type: 'integer', description: 'stale_revision: where the stream stands' },
  },
  additionalProperties: true,
} as const;

/**
 * Gives every error answer of the document (status 400 and above) the error schema, so that a generated
 * client types its errors: the routes declare those answers with a description only.
 */
export function withErrorSchema(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.ErrorResponse = ERROR_SCHEMA as never;
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as Array<{ responses?: Record<string, object> }>) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) < 400 || 'content' in response) continue;
        Object.assign(response, {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
        });
      }
    }
  }
  return document;
}
