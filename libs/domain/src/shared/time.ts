/** Instants travel as ISO-8601 strings in events and as epoch milliseconds inside computations. */
export type IsoInstant = string;

export function toMs(instant: IsoInstant): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${instant}`);
  return ms;
}

export function toIso(ms: number): IsoInstant {
  return new Date(ms).toISOString();
}
