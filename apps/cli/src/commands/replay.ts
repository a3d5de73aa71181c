import { AgreementRepository, TicketQueries, systemClock } from '@app/application';
import { ParsedArgs, UsageError } from '../cli-args';
import { openStores } from '../stores';

/** `replay <ticketId>`: the ticket's history in words, with who and when, and the time spent in each status. */
export async function replay(args: ParsedArgs): Promise<void> {
  const ticketId = args.positional[0];
  if (!ticketId) throw new UsageError('replay needs a ticket id');
  const { events } = await openStores(args);
  try {
    const queries = new TicketQueries(events, new AgreementRepository(events), systemClock);
    const auditor = { id: 'cli', role: 'auditor' as const, customers: ['*'] };
    const { entries, statusPeriods } = await queries.timeline(ticketId, auditor);
    for (const entry of entries) {
      console.log(
        `${entry.at}  #${entry.streamRevision}  ${entry.actor.id} (${entry.actor.role})  ${entry.description}`,
      );
    }
    console.log('\nstatus          from                      wall min  business min');
    for (const period of statusPeriods) {
      console.log(
        `${period.status.padEnd(15)} ${period.from.padEnd(25)} ${String(period.wallMinutes).padStart(8)}  ${String(period.businessMinutes).padStart(12)}`,
      );
    }
  } finally {
    await events.close();
  }
}
