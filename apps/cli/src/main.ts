import { UsageError, parseArgs } from './cli-args';
import { benchAppend } from './bench/bench-append';
import { runBenchServer } from './bench/bench-server';
import { benchProjections } from './bench/bench-projections';
import { benchEmmett } from './bench/bench-emmett';
import { benchLoad } from './bench/bench-load';
import { benchImport } from './bench/bench-import';
import { rebuild } from './commands/rebuild';
import { exportCommand } from './commands/export';
import { replay } from './commands/replay';
import { importCommands } from './commands/import-commands';
import { importLog } from './commands/import-log/import-log';
import { MappingError } from './commands/import-log/log-mapping';
import { CsvFormatError } from './commands/import-log/csv';
import { mintToken } from './commands/mint-token';
import { verify } from './commands/verify';
import { verifyFigures } from './commands/verify-figures';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  mint-token --sub ID --role ROLE [--customers a,b|*] [--hours 8]
      a bearer JWT signed with JWT_SECRET (or the documented development key)
  rebuild [--data-dir DIR] [--workers N]
      drop the read models and replay every event (stop the API first)
  replay <ticketId> [--data-dir DIR]
      a ticket's history in words with who and when, and the time spent in each status
  export events [--out FILE]
      the event log as NDJSON (every field; positions as strings)
  export sla|charges --customer ID --month YYYY-MM [--as-of INSTANT] [--out FILE]
      a report as CSV, from the read models or recomputed from the events as known at an instant
  import <commands.ndjson> [--rejects FILE] [--data-dir DIR]
      historical commands, one JSON per line, through the same validation and deciders as the API
  import-log <file.csv[.gz]> --mapping <mapping.json> [--timezone ZONE] [--rejects FILE] [--data-dir DIR]
      an ITSM export of incident snapshots (e.g. imports/servicenow-incident-event-log.mapping.json) as
      commands through the deciders; projects, reports and compares with the log's own SLA verdicts
  verify [--data-dir DIR]
      walk every stream's hash chain; exit 1 naming the first broken link
  verify-figures [--data-dir DIR]
      recompute every read-model document from the events and diff; exit 1 on drift
  bench-projections [--tickets 159000] [--customers 5] [--samples 200] [--rebuild-runs 3]
                    [--data-dir DIR [--skip-rebuild]]
      generate a history (kept and reused with --data-dir), rebuild it --rebuild-runs times (events/s,
      peak RSS, each beside a raw read of the events file; best and median), and measure query latencies
  bench-import [--file ../shared/data/incident_event_log.csv.gz] [--mapping FILE]
      the whole ServiceNow log imported, projected and reported into a fresh store: seconds and peak RSS
  bench-emmett [--seconds 5] [--rounds 2]
      appends against the Emmett SQLite event store on the same workload, side by side
  bench-load [--seconds 60]
      a bounded load test (127.0.0.1 only): a mix of commands and queries, p99, answers, memory over the run
  bench-append [--store-seconds 3] [--http-seconds 10] [--rounds 2]
      embedded append throughput, and the HTTP command path against a no-op Nest endpoint
`;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  switch (args.command) {
    case 'bench-append':
      return benchAppend(args);
    case 'rebuild':
      return rebuild(args);
    case 'verify':
      return verify(args);
    case 'replay':
      return replay(args);
    case 'export':
      return exportCommand(args);
    case 'import':
      return importCommands(args);
    case 'import-log':
      await importLog(args);
      return;
    case 'mint-token':
      return mintToken(args);
    case 'verify-figures':
      return verifyFigures(args);
    case 'bench-load':
      return benchLoad(args);
    case 'bench-emmett':
      return benchEmmett(args);
    case 'bench-import':
      return benchImport(args);
    case 'bench-projections':
      return benchProjections(args);
    case 'bench-server':
      return runBenchServer(args.positional[0], Number(args.positional[1]), args.positional[2]);
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof MappingError || error instanceof CsvFormatError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
