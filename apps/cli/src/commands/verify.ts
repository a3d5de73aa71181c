import { verifyEventChains } from '@app/event-store';
import { ParsedArgs } from '../cli-args';
import { Progress } from '../progress';
import { openStores } from '../stores';

/** `verify`: walks every stream's hash chain; exit status 1 and the first broken link when one is broken. */
export async function verify(args: ParsedArgs): Promise<void> {
  const { events } = await openStores(args);
  try {
    const progress = new Progress('verify', 'events');
    const result = await verifyEventChains(events, (done, total) =>
      progress.update(Number(done), Number(total)),
    );
    progress.done();
    if (result.broken) {
      const { streamId, streamRevision, globalPosition, reason } = result.broken;
      console.log(
        `BROKEN: stream ${streamId}, revision ${streamRevision} (position ${globalPosition}): ${reason}`,
      );
      process.exitCode = 1;
    } else {
      console.log(`ok: ${result.events} events in ${result.streams} streams, every hash chain holds`);
    }
  } finally {
    await events.close();
  }
}
