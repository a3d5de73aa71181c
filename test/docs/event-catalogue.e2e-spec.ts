import { AGREEMENT_EVENT_TYPES, NOTIFICATION_EVENT_TYPES, TICKET_EVENT_TYPES } from '@app/domain';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** docs/events.md must describe every event type the code can append, with its schema version. */
describe('the event catalogue', () => {
  const catalogue = readFileSync(join(__dirname, '..', '..', 'docs', 'events.md'), 'utf8');

  it.each([...TICKET_EVENT_TYPES, ...AGREEMENT_EVENT_TYPES])('documents %s at schema version 1', (type) => {
    expect(catalogue).toContain(`### ${type} (v1)`);
  });

  it.each(NOTIFICATION_EVENT_TYPES)('documents the delivery record %s at schema version 1', (type) => {
    expect(catalogue).toContain(`#### ${type} (v1)`);
  });

  it('documents no event type the code does not have', () => {
    const documented = [...catalogue.matchAll(/^### (\w+) \(v\d+\)$/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...TICKET_EVENT_TYPES, ...AGREEMENT_EVENT_TYPES].sort());
  });
});
