import { join } from 'node:path';
import { FileMailSender, MailSender, SmtpMailSender } from './mail-sender';
import { Clock, TicketCommands } from '@app/application';
import { EventStore } from '@app/event-store';
import { ProjectionProgress } from '@app/projections';
import { ReadStore } from '@app/read-store';
import { AutomationScheduler, SchedulerLogger } from './automation-scheduler';
import { DEFAULT_OUTBOX_OPTIONS, NotificationOutbox, OutboxOptions } from './notification-outbox';

export interface AutomationConfig {
  /** Whether the process that runs the projections also runs the process manager and the outbox. */
  readonly enabled: boolean;
  /** Pause between ticks; 0: no timer (tests tick by hand). */
  readonly intervalMs: number;
  readonly mail:
    { readonly kind: 'file'; readonly folder: string } | { readonly kind: 'smtp'; readonly url: string };
  readonly outbox: Partial<OutboxOptions>;
}

export class AutomationConfigError extends Error {}

/**
 * AUTOMATION (on|off), AUTOMATION_INTERVAL_MS, MAIL_TRANSPORT (file|smtp) with MAIL_DIR or SMTP_URL, MAIL_FROM,
 * NOTIFY_AGENT_ADDRESS ("{id}@..."), NOTIFY_SERVICE_DESK_ADDRESS, NOTIFY_MAX_AGE_HOURS.
 */
export function loadAutomationConfig(env: NodeJS.ProcessEnv, dataDir: string): AutomationConfig {
  const problems: string[] = [];
  const enabled = (env.AUTOMATION ?? 'on') === 'on';
  if (env.AUTOMATION !== undefined && !['on', 'off'].includes(env.AUTOMATION))
    problems.push(`AUTOMATION must be on or off, not "${env.AUTOMATION}"`);
  const intervalMs = Number(env.AUTOMATION_INTERVAL_MS ?? 30_000);
  if (!Number.isInteger(intervalMs) || intervalMs < 0)
    problems.push(
      `AUTOMATION_INTERVAL_MS must be a whole number of milliseconds, not "${env.AUTOMATION_INTERVAL_MS}"`,
    );
  const transport = env.MAIL_TRANSPORT ?? 'file';
  let mail: AutomationConfig['mail'] = { kind: 'file', folder: env.MAIL_DIR ?? join(dataDir, 'mail') };
  if (transport === 'smtp') {
    if (!env.SMTP_URL || !/^smtps?:\/\//.test(env.SMTP_URL))
      problems.push('MAIL_TRANSPORT=smtp needs SMTP_URL=smtp://user:pass@host:587 (or smtps://)');
    else mail = { kind: 'smtp', url: env.SMTP_URL };
  } else if (transport !== 'file') problems.push(`MAIL_TRANSPORT must be file or smtp, not "${transport}"`);
  const maxAgeHours = Number(env.NOTIFY_MAX_AGE_HOURS ?? DEFAULT_OUTBOX_OPTIONS.maxAgeMs / 3_600_000);
  if (!(maxAgeHours > 0))
    problems.push(`NOTIFY_MAX_AGE_HOURS must be positive, not "${env.NOTIFY_MAX_AGE_HOURS}"`);
  if (env.NOTIFY_AGENT_ADDRESS !== undefined && !env.NOTIFY_AGENT_ADDRESS.includes('{id}'))
    problems.push('NOTIFY_AGENT_ADDRESS must contain {id} (e.g. {id}@example.com)');
  if (problems.length > 0) throw new AutomationConfigError(problems.join('; '));
  return {
    enabled,
    intervalMs,
    mail,
    outbox: {
      ...(env.MAIL_FROM ? { from: env.MAIL_FROM } : {}),
      ...(env.NOTIFY_AGENT_ADDRESS ? { agentAddress: env.NOTIFY_AGENT_ADDRESS } : {}),
      ...(env.NOTIFY_SERVICE_DESK_ADDRESS ? { serviceDeskAddress: env.NOTIFY_SERVICE_DESK_ADDRESS } : {}),
      maxAgeMs: maxAgeHours * 3_600_000,
    },
  };
}

export function createMailSender(config: AutomationConfig): MailSender {
  return config.mail.kind === 'smtp'
    ? new SmtpMailSender(config.mail.url)
    : new FileMailSender(config.mail.folder);
}

/**
 * The process manager with its outbox, wired as the process that runs the projections needs it: each
 * tick waits (at most 5 s) for the projection to include what it appended, so its emails go out then.
 */
export function createAutomationScheduler(
  config: AutomationConfig,
  deps: {
    readonly events: EventStore;
    readonly readStore: ReadStore;
    readonly tickets: TicketCommands;
    readonly clock: Clock;
    readonly progress: ProjectionProgress;
    readonly logger?: SchedulerLogger;
  },
): AutomationScheduler {
  const { events, readStore, tickets, clock, progress, logger } = deps;
  return new AutomationScheduler(
    readStore,
    tickets,
    new NotificationOutbox(events, readStore, createMailSender(config), config.outbox),
    clock,
    logger,
    async () => void (await progress.waitFor(await events.headPosition(), 5000)),
  );
}
