import {
  AgreementCommands,
  AgreementRepository,
  HistoryGroup,
  HistoryOutcome,
  TicketCommands,
  systemClock,
} from '@app/application';
import { DomainError, LogTicket, Principal } from '@app/domain';
import { ProjectionRunner, ReadQueries, TicketDoc, serviceDeskProjection } from '@app/projections';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateAgreementDto } from '../../../../api/src/agreements/create-agreement/create-agreement.dto';
import { PublishAgreementVersionDto } from '../../../../api/src/agreements/publish-agreement-version/publish-agreement-version.dto';
import { LogTicketDto } from '../../../../api/src/tickets/log-ticket/log-ticket.dto';
import { ParsedArgs, UsageError } from '../../cli-args';
import { Progress } from '../../progress';
import { openStores } from '../../stores';
import { Rejected, validated } from '../dto-validation';
import { CsvRecord, fileChunks, parseCsv } from './csv';
import { LogMapping, loadMapping } from './log-mapping';
import { DIFFERENCE_REASONS, VerdictInput, compareVerdicts } from './sla-verdict-comparison';
import { TranslatedRow, orderSnapshots, serviceOf, translateRow } from './snapshot-translator';

/** How each row of the file was accounted for. */
export interface ImportLogSummary {
  readonly rows: number;
  readonly incidents: number;
  readonly eventsAppended: number;
  /** Rows whose every command was appended. */
  readonly applied: number;
  /** Rows with no change that our lifecycle records (the same state, priority and assignee). */
  readonly merged: number;
  /** Rows imported by an earlier run (their commands are already in the streams). */
  readonly alreadyImported: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Changes the lifecycle has no place for, not applied (e.g. an assignment after resolution). */
  readonly notRepresented: number;
  readonly seconds: { readonly import: number; readonly projection: number; readonly report: number };
}

export interface RejectedRow {
  readonly incident: string;
  readonly line: number;
  readonly state: string;
  readonly code: string;
  readonly reason: string;
}

/** Every column the mapping reads: the only values kept in memory while the file is grouped by incident. */
function columnsRead(mapping: LogMapping): string[] {
  const fromSummary = [...mapping.summary.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
  return [...new Set([...Object.values(mapping.columns).filter((c): c is string => !!c), ...fromSummary])];
}

/** Reads the file, keeping each record's mapped columns, grouped by incident in first-seen order. */
async function readIncidents(file: string, mapping: LogMapping) {
  const columns = columnsRead(mapping);
  const incidents = new Map<string, CsvRecord[]>();
  let rows = 0;
  let checkedHeader = false;
  for await (const record of parseCsv(fileChunks(file))) {
    if (!checkedHeader) {
      const missing = columns.filter((column) => !(column in record.values));
      if (missing.length > 0)
        throw new UsageError(`the file has no column ${missing.join(', ')} that the mapping reads`);
      checkedHeader = true;
    }
    rows++;
    const values: Record<string, string> = {};
    for (const column of columns) values[column] = record.values[column];
    const id = values[mapping.columns.ticketId];
    const list = incidents.get(id);
    if (list) list.push({ line: record.line, values });
    else incidents.set(id, [{ line: record.line, values }]);
  }
  return { rows, incidents };
}

/** The agreement the imported tickets are bound to: created (idempotently) with every service in the file. */
async function ensureAgreement(
  agreementCommands: AgreementCommands,
  mapping: LogMapping,
  services: readonly string[],
): Promise<void> {
  const admin: Principal = { id: 'import-log', role: 'admin', customers: ['*'] };
  const { agreementId, customerId, name } = mapping.customer;
  const refusedBy = (what: string) => (error: unknown) => {
    throw error instanceof Rejected || error instanceof DomainError
      ? new UsageError(`the mapping's ${what} is refused: ${error.reason}`)
      : error;
  };
  const create = await validated(CreateAgreementDto, {
    customerId,
    name,
    services: [...services].sort(),
  }).catch(refusedBy('customer'));
  const publish = await validated(PublishAgreementVersionDto, mapping.agreement).catch(
    refusedBy('agreement'),
  );
  const keyOf = (data: object) =>
    `import-log-${createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 32)}`;
  await agreementCommands
    .execute(
      agreementId,
      { type: 'CreateAgreement', data: { ...create, agreementId } },
      { principal: admin, idempotencyKey: keyOf(create) },
    )
    .catch(refusedBy('customer'));
  await agreementCommands
    .execute(
      agreementId,
      { type: 'PublishAgreementVersion', data: publish },
      { principal: admin, idempotencyKey: keyOf(publish) },
    )
    .catch(refusedBy('agreement'));
}

/** Accounts for one row from the outcomes of its commands. */
function rowOutcome(
  row: TranslatedRow,
  outcomes: readonly HistoryOutcome[],
): { code: string; reason: string } | 'applied' | 'merged' | 'already' {
  if (row.rejection) return row.rejection;
  if (row.steps.length === 0) return 'merged';
  const refused = outcomes.find((outcome) => outcome.kind === 'refused');
  if (refused?.kind === 'refused') return { code: refused.code, reason: refused.reason };
  return outcomes.every((outcome) => outcome.kind === 'already_recorded') ? 'already' : 'applied';
}

/**
 * `import-log <file.csv[.gz]> --mapping <mapping.json> [--timezone ZONE] [--rejects FILE]`: an ITSM export of
 * incident snapshots becomes our history, incident by incident, through the ticket deciders with the
 * original actors and times; then the read models are projected and the SLA figures compared with the
 * source's own verdicts.
 */
export async function importLog(args: ParsedArgs): Promise<ImportLogSummary> {
  const file = args.positional[0];
  const mappingFile = args.options.get('mapping');
  if (!file || typeof mappingFile !== 'string')
    throw new UsageError('import-log needs a CSV file and --mapping <mapping.json>');
  if (!existsSync(file)) throw new UsageError(`import-log: no file ${file}`);
  const timeZone = args.options.get('timezone');
  const mapping = loadMapping(mappingFile, { timeZone: typeof timeZone === 'string' ? timeZone : undefined });
  const { dataDir, events, openReadStore } = await openStores(args);
  const rejectsOption = args.options.get('rejects');
  const rejectsFile =
    typeof rejectsOption === 'string' ? rejectsOption : join(dataDir, 'import-log-rejects.ndjson');
  const quiet = args.options.has('quiet');
  const readStore = await openReadStore();
  const started = performance.now();
  const counts = { applied: 0, merged: 0, alreadyImported: 0, eventsAppended: 0, notRepresented: 0 };
  const rejects: RejectedRow[] = [];
  const verdictInputs = new Map<string, Pick<VerdictInput, 'sourceMadeSla' | 'priorityChanged'>>();
  try {
    const { rows, incidents } = await readIncidents(file, mapping);
    const services = new Set<string>();
    for (const records of incidents.values())
      for (const record of records) services.add(serviceOf(record, mapping));
    const agreements = new AgreementRepository(events);
    await ensureAgreement(new AgreementCommands(events, systemClock), mapping, [...services]);
    const tickets = new TicketCommands(events, agreements, systemClock);

    const progress = new Progress('import-log', 'incidents', quiet ? null : process.stderr);
    const queue: Array<[string, CsvRecord[]] | null> = [...incidents.entries()];
    const total = incidents.size;
    incidents.clear(); // each incident's rows are released once it is imported
    let done = 0;
    const importOne = async ([ticketId, records]: [string, CsvRecord[]]) => {
      const ordered = orderSnapshots(records, mapping);
      const rows: TranslatedRow[] = [];
      const groups: HistoryGroup[] = ordered.map((record, index) => async (ticket) => {
        let row = translateRow(ticketId, record, index, ticket, mapping);
        // A new ticket's data goes through the API's validation like any other new ticket.
        const log = row.steps.find((step) => step.command.type === 'LogTicket');
        if (log) {
          const { ticketId: _id, ...input } = log.command.data as LogTicket['data'];
          const refusal = await validated(LogTicketDto, input).then(
            () => null,
            (error: unknown) => {
              if (error instanceof Rejected) return error;
              throw error;
            },
          );
          if (refusal) row = { ...row, steps: [], rejection: { code: refusal.code, reason: refusal.reason } };
        }
        rows.push(row);
        return row.steps;
      });
      const result = await tickets.executeHistory(ticketId, groups);
      counts.eventsAppended += result.eventsAppended;
      rows.forEach((row, index) => {
        counts.notRepresented += row.notRepresented.length;
        const outcome = rowOutcome(row, result.outcomes[index]);
        if (outcome === 'applied') counts.applied++;
        else if (outcome === 'merged') counts.merged++;
        else if (outcome === 'already') counts.alreadyImported++;
        else rejects.push({ incident: ticketId, line: row.line, state: row.state, ...outcome });
      });
      if (mapping.columns.madeSla) {
        const last = ordered[ordered.length - 1];
        verdictInputs.set(ticketId, {
          sourceMadeSla: last.values[mapping.columns.madeSla] === (mapping.madeSlaTrue ?? 'true'),
          priorityChanged: rows.some((row) =>
            row.steps.some((step) => step.command.type === 'ChangePriority'),
          ),
        });
      }
      done++;
      if (done % 250 === 0) progress.update(done, total);
    };
    // Many incidents in flight: their appends share the store's group commits (one fsync for many).
    let cursor = 0;
    const workers = Array.from({ length: 32 }, async () => {
      while (cursor < queue.length) {
        const next = cursor++;
        const incident = queue[next] as [string, CsvRecord[]];
        queue[next] = null;
        await importOne(incident);
      }
    });
    await Promise.all(workers);
    progress.update(done, total);
    const importSeconds = progress.done();

    const projectionStarted = performance.now();
    const runner = new ProjectionRunner(events, readStore, serviceDeskProjection, { batchSize: 5000 });
    const projecting = new Progress('project', 'events', quiet ? null : process.stderr);
    await runner.runToHead((position, head) => projecting.update(Number(position), Number(head)));
    projecting.done();
    const projectionSeconds = (performance.now() - projectionStarted) / 1000;

    const reportStarted = performance.now();
    const customerId = mapping.customer.customerId;
    const docs = await readStore.find<TicketDoc>('tickets', { filter: { customerId } });
    const months = [
      ...new Set(docs.map((doc) => doc.reportMonth).filter((m): m is string => m !== null)),
    ].sort();
    const queries = new ReadQueries(readStore, (agreementId, version) =>
      agreements.termsOf(agreementId, version),
    );
    const monthly = [];
    for (const month of months)
      monthly.push({ month, report: await queries.slaReport(customerId, month, []) });
    const comparison = compareVerdicts(
      docs.flatMap((doc) => {
        const source = verdictInputs.get(doc.id);
        if (!source) return [];
        return [
          {
            ticketId: doc.id,
            priority: doc.priority,
            breached: doc.figures ? doc.figures.breached : null,
            resolutionMs: doc.figures?.resolutionMs ?? null,
            resolutionTargetMs: doc.figures?.resolutionTargetMs ?? 0,
            pausedMs: doc.figures?.pausedMs ?? 0,
            reopenCount: doc.state.reopenCount,
            ...source,
          },
        ];
      }),
    );
    const reportSeconds = (performance.now() - reportStarted) / 1000;

    const rejectedByReason: Record<string, number> = {};
    for (const reject of rejects) rejectedByReason[reject.code] = (rejectedByReason[reject.code] ?? 0) + 1;
    mkdirSync(dirname(rejectsFile), { recursive: true });
    writeFileSync(
      rejectsFile,
      rejects.map((reject) => JSON.stringify(reject)).join('\n') + (rejects.length ? '\n' : ''),
    );
    const summary: ImportLogSummary = {
      rows,
      incidents: total,
      eventsAppended: counts.eventsAppended,
      applied: counts.applied,
      merged: counts.merged,
      alreadyImported: counts.alreadyImported,
      rejected: rejects.length,
      rejectedByReason,
      notRepresented: counts.notRepresented,
      seconds: { import: importSeconds, projection: projectionSeconds, report: reportSeconds },
    };

    const n = (value: number) => value.toLocaleString('en-US');
    const lines = [
      `import-log ${file} (${mapping.source}) into ${dataDir}`,
      '',
      `rows                 ${n(rows)}`,
      `incidents            ${n(total)}`,
      `events appended      ${n(counts.eventsAppended)}`,
      `rows applied         ${n(counts.applied)}`,
      `rows merged          ${n(counts.merged)}   (no change our lifecycle records)`,
      `rows already imported ${n(counts.alreadyImported)}`,
      `rows rejected        ${n(rejects.length)}   (written to ${rejectsFile})`,
      ...Object.entries(rejectedByReason)
        .sort((a, b) => b[1] - a[1])
        .map(([code, count]) => `  ${code.padEnd(26)} ${n(count)}`),
      `changes not represented ${n(counts.notRepresented)}   (priority or assignee changed after resolution)`,
      '',
      `SLA performance, customer ${customerId} (incidents finally resolved in the month):`,
      'month     resolved  within  breached  compliance',
      ...monthly.map(
        ({ month, report }) =>
          `${month}  ${String(report.incidents.resolved).padStart(8)}  ${String(report.incidents.withinTarget).padStart(6)}  ${String(report.incidents.breached).padStart(8)}  ${report.incidents.compliancePercent === null ? '-' : `${report.incidents.compliancePercent}%`}`,
      ),
    ];
    if (mapping.columns.madeSla) {
      lines.push(
        '',
        `Our breach verdict against the log's ${mapping.columns.madeSla} (last snapshot of each incident):`,
        `compared ${n(comparison.compared)} finally resolved incidents; agreement ${comparison.agreementPercent ?? '-'}%` +
          ` (${n(comparison.agreed)}); not resolved by us: ${n(comparison.notResolved)}`,
        `we say breached, the log says made: ${n(comparison.weBreachedSourceMet)}; we say within target, the log says missed: ${n(comparison.weMetSourceBreached)}`,
        ...Object.entries(comparison.byPriority)
          .sort()
          .map(
            ([priority, { compared, agreed }]) =>
              `  ${priority}: ${n(agreed)}/${n(compared)} agree (${((agreed / compared) * 100).toFixed(1)}%)`,
          ),
        'differences by first applicable reason:',
        ...Object.entries(comparison.differencesByReason).map(
          ([reason, count]) =>
            `  ${n(count).padStart(6)}  ${DIFFERENCE_REASONS[reason as keyof typeof DIFFERENCE_REASONS]}`,
        ),
      );
    }
    const totalSeconds = (performance.now() - started) / 1000;
    lines.push(
      '',
      `time: import ${importSeconds.toFixed(1)} s, projection ${projectionSeconds.toFixed(1)} s, report ${reportSeconds.toFixed(1)} s, total ${totalSeconds.toFixed(1)} s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
    if (!quiet) console.log(lines.join('\n'));
    return summary;
  } finally {
    await readStore.close();
    await events.close();
  }
}
