import {
  AgreementCommands,
  AgreementRepository,
  ForbiddenError,
  NotFoundError,
  TicketCommands,
  systemClock,
} from '@app/application';
import { DomainError, Principal, ROLES, Role } from '@app/domain';
import { createHash } from 'node:crypto';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CreateAgreementDto } from '../../../api/src/agreements/create-agreement/create-agreement.dto';
import { PublishAgreementVersionDto } from '../../../api/src/agreements/publish-agreement-version/publish-agreement-version.dto';
import { ID_PATTERN } from '../../../api/src/common/dto-rules';
import { LogTicketDto } from '../../../api/src/tickets/log-ticket/log-ticket.dto';
import { TICKET_ACTIONS, actionCommand } from '../../../api/src/tickets/ticket-actions';
import { ParsedArgs, UsageError } from '../cli-args';
import { Progress } from '../progress';
import { openStores } from '../stores';
import { Rejected, validated } from './dto-validation';

/** One historical command per line. */
interface ImportLine {
  readonly command: string;
  readonly ticketId?: string;
  readonly agreementId?: string;
  readonly data?: object;
  readonly actor: { readonly id: string; readonly role: Role; readonly customers?: string[] };
  readonly occurredAt: string;
  /** Idempotency key; by default the hash of the line, so that re-running an import appends nothing. */
  readonly key?: string;
}

function envelope(text: string): ImportLine {
  let line: ImportLine;
  try {
    line = JSON.parse(text) as ImportLine;
  } catch {
    throw new Rejected('not_json', 'the line is not JSON');
  }
  if (typeof line !== 'object' || line === null)
    throw new Rejected('not_json', 'the line is not a JSON object');
  if (
    typeof line.actor !== 'object' ||
    typeof line.actor?.id !== 'string' ||
    !ROLES.includes(line.actor.role)
  ) {
    throw new Rejected('validation_failed', `actor must be {id, role: ${ROLES.join('|')}}`);
  }
  if (
    typeof line.occurredAt !== 'string' ||
    !/(Z|[+-]\d{2}:\d{2})$/.test(line.occurredAt) ||
    Number.isNaN(Date.parse(line.occurredAt))
  ) {
    throw new Rejected('validation_failed', 'occurredAt must be an instant with a zone');
  }
  const id =
    line.command === 'CreateAgreement' || line.command === 'PublishAgreementVersion'
      ? line.agreementId
      : line.ticketId;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new Rejected('validation_failed', 'ticketId (or agreementId for agreement commands) must be an id');
  }
  return line;
}

/**
 * `import <file.ndjson> [--rejects FILE]`: historical commands, one per line, each through the same
 * validation and deciders as the API, with its original actor and time. A rejected line appends nothing
 * and is reported with its line number and reason; re-running the same file appends nothing new.
 */
export async function importCommands(args: ParsedArgs): Promise<void> {
  const file = args.positional[0];
  if (!file) throw new UsageError('import needs an NDJSON file of commands');
  const rejectsOption = args.options.get('rejects');
  const { events } = await openStores(args);
  const agreements = new AgreementRepository(events);
  const tickets = new TicketCommands(events, agreements, systemClock);
  const agreementCommands = new AgreementCommands(events, systemClock);
  const counts = { lines: 0, applied: 0, alreadyImported: 0, events: 0 };
  const rejectedByCode = new Map<string, number>();
  const rejects: Array<{ line: number; code: string; reason: string }> = [];
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    const size = statSync(file).size;
    const progress = new Progress('import', 'bytes');
    let consumed = 0;
    for await (const text of lines) {
      counts.lines++;
      consumed += Buffer.byteLength(text) + 1;
      if (counts.lines % 200 === 0) progress.update(Math.min(consumed, size), size);
      if (text.trim() === '') continue;
      try {
        const line = envelope(text);
        const principal: Principal = {
          id: line.actor.id,
          role: line.actor.role,
          customers: line.actor.customers ?? ['*'],
        };
        const options = {
          principal,
          occurredAt: new Date(line.occurredAt),
          idempotencyKey:
            line.key ?? `import-${createHash('sha256').update(text).digest('hex').slice(0, 40)}`,
        };
        let result;
        if (line.command === 'CreateAgreement') {
          const dto = await validated(CreateAgreementDto, line.data);
          result = await agreementCommands.execute(
            line.agreementId as string,
            { type: 'CreateAgreement', data: { ...dto, agreementId: line.agreementId as string } },
            options,
          );
        } else if (line.command === 'PublishAgreementVersion') {
          const dto = await validated(PublishAgreementVersionDto, line.data);
          result = await agreementCommands.execute(
            line.agreementId as string,
            { type: 'PublishAgreementVersion', data: dto },
            options,
          );
        } else if (line.command === 'LogTicket') {
          const dto = await validated(LogTicketDto, line.data);
          result = await tickets.execute(
            line.ticketId as string,
            {
              type: 'LogTicket',
              data: { ...dto, description: dto.description ?? '', ticketId: line.ticketId as string },
            },
            options,
          );
        } else if (line.command in TICKET_ACTIONS) {
          const type = line.command as keyof typeof TICKET_ACTIONS;
          const dto = await validated(TICKET_ACTIONS[type].dto as new () => object, line.data ?? {});
          result = await tickets.execute(line.ticketId as string, actionCommand(type, dto), options);
        } else {
          throw new Rejected('unknown_command', `unknown command "${line.command}"`);
        }
        if (result.replayed) counts.alreadyImported++;
        else {
          counts.applied++;
          counts.events += result.eventTypes.length;
        }
      } catch (error) {
        const [code, reason] =
          error instanceof Rejected || error instanceof DomainError || error instanceof NotFoundError
            ? [error.code, error.reason]
            : error instanceof ForbiddenError
              ? ['forbidden', error.reason]
              : (() => {
                  throw error;
                })();
        rejects.push({ line: counts.lines, code, reason });
        rejectedByCode.set(code, (rejectedByCode.get(code) ?? 0) + 1);
      }
    }
    progress.update(size, size);
    progress.done();
  } finally {
    await events.close();
  }
  console.log(`lines            ${counts.lines}`);
  console.log(`applied          ${counts.applied} (${counts.events} events appended)`);
  console.log(`already imported ${counts.alreadyImported}`);
  console.log(`rejected         ${rejects.length}`);
  for (const [code, count] of [...rejectedByCode].sort((a, b) => b[1] - a[1]))
    console.log(`  ${code.padEnd(24)} ${count}`);
  for (const reject of rejects.slice(0, 20))
    console.log(`  line ${reject.line}: ${reject.code}: ${reject.reason}`);
  if (typeof rejectsOption === 'string') {
    writeFileSync(
      rejectsOption,
      rejects.map((reject) => JSON.stringify(reject)).join('\n') + (rejects.length ? '\n' : ''),
    );
  }
  if (rejects.length > 0) process.exitCode = 1;
}
