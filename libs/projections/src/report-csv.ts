import { ChargesReport, SlaFigures, SlaReport } from '@app/domain';

/**
 * CSV per RFC 4180, safe to open in a spreadsheet: a cell that starts with = + - @ or a control character
 * is prefixed with an apostrophe so that it is shown as text, never run as a formula.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const FIGURE_COLUMNS: Array<keyof SlaFigures> = [
  'resolved',
  'withinTarget',
  'breached',
  'compliancePercent',
  'meanResolutionMinutes',
  'p90ResolutionMinutes',
  'pausedMinutes',
  'reopened',
  'reopenRatePercent',
  'firstTimeRightPercent',
  'confirmed',
  'autoClosed',
  'closedUnresolved',
  'awaitingConfirmation',
  'missedCustomerUpdates',
];

/** The SLA report as CSV: incidents, each group, then service requests and user errors apart. */
export function slaReportCsv(customerId: string, month: string, report: SlaReport): string {
  const row = (scope: string, service: string, priority: string, figures: SlaFigures) => [
    customerId,
    month,
    scope,
    service,
    priority,
    ...FIGURE_COLUMNS.map((column) => figures[column]),
  ];
  return toCsv(
    ['customer', 'month', 'scope', 'service', 'priority', ...FIGURE_COLUMNS],
    [
      row('incidents', '', '', report.incidents),
      ...report.groups.map((group) =>
        row('incidents', group.service ?? '', group.priority ?? '', group.figures),
      ),
      row('service_requests', '', '', report.serviceRequests),
      row('user_errors', '', '', report.userErrors),
    ],
  );
}

/** The charges report as CSV: one row per line, then a total row per currency. */
export function chargesReportCsv(report: ChargesReport): string {
  return toCsv(
    [
      'ticketId',
      'closedAt',
      'service',
      'summary',
      'category',
      'pricing',
      'unitPriceMinor',
      'loggedEffortMinutes',
      'billedMinutes',
      'currency',
      'amountMinor',
      'waived',
      'waiverReason',
      'waiverApproverId',
      'chargedMinor',
    ],
    [
      ...report.lines.map((line) => [
        line.ticketId,
        line.closedAt,
        line.service,
        line.summary,
        line.category,
        line.pricing,
        line.unitPriceMinor,
        line.loggedEffortMinutes,
        line.billedMinutes,
        line.currency,
        line.amountMinor,
        line.waived,
        line.waiver?.reason ?? '',
        line.waiver?.approverId ?? '',
        line.chargedMinor,
      ]),
      ...report.totals.map((total) => [
        `TOTAL ${total.currency}`,
        '',
        '',
        `${total.lines} lines`,
        '',
        '',
        '',
        '',
        '',
        total.currency,
        total.amountMinor,
        '',
        `waived ${total.waivedMinor}`,
        '',
        total.chargedMinor,
      ]),
    ],
  );
}
