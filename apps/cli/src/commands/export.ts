import { AuditReports, ReadQueries, chargesReportCsv, slaReportCsv } from '@app/projections';
import { AgreementRepository } from '@app/application';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ParsedArgs, UsageError } from '../cli-args';
import { Progress } from '../progress';
import { openStores } from '../stores';

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  if (value === true) throw new UsageError(`--${name} takes a value`);
  return value;
}

function required(args: ParsedArgs, name: string, pattern: RegExp, hint: string): string {
  const value = stringOption(args, name);
  if (value === undefined || !pattern.test(value)) throw new UsageError(`--${name} is required: ${hint}`);
  return value;
}

/**
 * `export events|sla|charges`: the event log as NDJSON (every field, positions as strings), or a report as
 * CSV (from the read models, or recomputed from the events with --as-of). To a file with --out, else stdout.
 */
export async function exportCommand(args: ParsedArgs): Promise<void> {
  const what = args.positional[0];
  const out = stringOption(args, 'out');
  const output = out ? createWriteStream(out) : process.stdout;
  const write = async (text: string) => {
    if (!output.write(text)) await once(output, 'drain');
  };
  const { events, openReadStore } = await openStores(args);
  const readStore = await openReadStore();
  try {
    if (what === 'events') {
      const head = await events.headPosition();
      const progress = new Progress('export', 'events');
      for (let after = 0n; after < head;) {
        const page = await events.readAll({ after });
        if (page.length === 0) break;
        await write(
          page
            .map((event) => JSON.stringify({ ...event, globalPosition: event.globalPosition.toString() }))
            .join('\n') + '\n',
        );
        after = page[page.length - 1].globalPosition;
        progress.update(Number(after), Number(head));
      }
      progress.done();
    } else if (what === 'sla' || what === 'charges') {
      const customer = required(args, 'customer', /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'a customer id');
      const month = required(args, 'month', /^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
      const asOf = stringOption(args, 'as-of');
      if (asOf !== undefined && Number.isNaN(Date.parse(asOf)))
        throw new UsageError('--as-of takes an instant');
      const agreements = new AgreementRepository(events);
      const termsOf = (agreementId: string, version: number) => agreements.termsOf(agreementId, version);
      const audit = new AuditReports(events, termsOf);
      const queries = new ReadQueries(readStore, termsOf);
      const options = { asOfMs: asOf === undefined ? undefined : Date.parse(asOf) };
      if (what === 'sla') {
        const report = asOf
          ? await audit.slaReport(customer, month, ['service', 'priority'], options)
          : await queries.slaReport(customer, month, ['service', 'priority']);
        await write(slaReportCsv(customer, month, report));
      } else {
        const report = asOf
          ? await audit.chargesReport(customer, month, options)
          : await queries.chargesReport(customer, month);
        await write(chargesReportCsv(report));
      }
    } else {
      throw new UsageError('export what? events, sla or charges');
    }
  } finally {
    if (out) {
      output.end();
      await once(output, 'finish');
    }
    await events.close();
    await readStore.close();
  }
}
