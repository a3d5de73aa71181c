/**
 * Why a command was refused. `illegal_transition` and the other rule codes map to HTTP 422,
 * `invalid_*` codes on input the DTOs cannot check map to 422 as well: the request was well-formed
 * but the domain says no. The reason is for humans; the code is for machines.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${code}: ${reason}`);
    this.name = 'DomainError';
  }
}

/** Compile-time proof that a switch handled every member of a union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
