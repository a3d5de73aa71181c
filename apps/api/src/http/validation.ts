import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Strict input: unknown properties are refused, and a 400 names every field at fault. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    // What Nest sets for every validation anyway (errors without the whole object validated); set here, its
    // per-request copy of these options replaces the property instead of adding one, which in V8 would
    // give that copy a hidden class of its own every time (see libs/domain/src/shared/objects.ts).
    validationError: { target: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new BadRequestException({
        code: 'validation_failed',
        message: `invalid ${fields.map((f) => f.field).join(', ')}`,
        fields,
      });
    },
  });
}
