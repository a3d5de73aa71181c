import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flatten } from '../../../api/src/http/validation';

/** An imported line or row refused before it reached a decider, with a code and a reason. */
export class Rejected extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The API's validation of an input (strict DTO, unknown properties refused), for imported data. */
export async function validated<T extends object>(dto: new () => T, data: unknown): Promise<T> {
  if (typeof data !== 'object' || data === null)
    throw new Rejected('validation_failed', 'data must be an object');
  const instance = plainToInstance(dto, data);
  const problems = flatten(await validate(instance, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length > 0) {
    throw new Rejected(
      'validation_failed',
      problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; '),
    );
  }
  return JSON.parse(JSON.stringify(instance)) as T;
}
