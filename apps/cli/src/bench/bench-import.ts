import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ParsedArgs, parseArgs } from '../cli-args';
import { importLog } from '../commands/import-log/import-log';

/**
 * `bench-import [--file F] [--mapping M]`: the whole ServiceNow log imported, projected and reported into a
 * fresh embedded store, against the targets (under 60 s, peak RSS under 1 GB on the 2-core machine).
 */
export async function benchImport(args: ParsedArgs): Promise<void> {
  const option = (name: string, fallback: string) => {
    const value = args.options.get(name);
    return resolve(typeof value === 'string' ? value : fallback);
  };
  const file = option('file', '../shared/data/incident_event_log.csv.gz');
  const mapping = option('mapping', 'imports/servicenow-incident-event-log.mapping.json');
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    const started = performance.now();
    const summary = await importLog(parseArgs(['import-log', file, '--mapping', mapping, '--data-dir', dir]));
    const seconds = (performance.now() - started) / 1000;
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(
      `\nbench-import: ${summary.rows.toLocaleString('en-US')} rows, ${summary.eventsAppended.toLocaleString('en-US')} events: ` +
        `${seconds.toFixed(1)} s (target < 60 s: ${seconds < 60 ? 'met' : 'NOT met'}), ` +
        `peak RSS ${rssMb} MB (target < 1024 MB: ${rssMb < 1024 ? 'met' : 'NOT met'})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
