import { setFlagsFromString } from 'node:v8';
import { extended } from './objects';

// V8's own answer to "do these two objects have the same hidden class?", compiled after allowing it.
setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

describe('extended', () => {
  it('is the object spread of both: the same properties, values and order', () => {
    const base = { kind: 'incident', priority: 'P2', requester: { id: 'r-1' } };
    const result = extended(base, { ticketId: 't-1', agreementVersion: 2 });
    expect(result).toEqual({ ...base, ticketId: 't-1', agreementVersion: 2 });
    expect(Object.keys(result)).toEqual(['kind', 'priority', 'requester', 'ticketId', 'agreementVersion']);
    expect(result.requester).toBe(base.requester);
    expect(base).toEqual({ kind: 'incident', priority: 'P2', requester: { id: 'r-1' } });
  });

  it('gives the objects it makes for one shape of input one hidden class', () => {
    const make = (i: number) => extended({ kind: 'incident', priority: `P${i % 4}` }, { ticketId: `t-${i}` });
    const first = make(0);
    for (let i = 1; i < 1_000; i++) expect(sameHiddenClass(make(i), first)).toBe(true);
  });
});
