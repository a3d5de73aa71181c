import { ApiProperty } from '@nestjs/swagger';
import { CommandResult } from '@app/application';

/** What every command answers: where the stream now stands, for If-Match and read-your-writes. */
export class CommandResponse {
  /** Revision of the last event of the stream: send it back as If-Match. */
  @ApiProperty({
    type: 'integer',
    description: 'Revision of the last event of the stream: send it back as If-Match',
  })
  streamRevision!: number;
  /** Global position of the last appended event, as a string (positions are 64-bit). */
  @ApiProperty({
    pattern: '^\\d{1,19}$',
    description:
      'Global position of the last appended event, as a string (positions are 64-bit); pass it as ?after=',
  })
  globalPosition!: string;
  /** Types of the events the command appended. */
  @ApiProperty({ type: [String], description: 'Types of the events the command appended' })
  events!: string[];
  /** True when an Idempotency-Key retry returned the first result and appended nothing. */
  @ApiProperty({
    description: 'True when an Idempotency-Key retry returned the first result and appended nothing',
  })
  replayed!: boolean;
}

export function commandResponse(result: CommandResult): CommandResponse {
  return {
    streamRevision: result.streamRevision,
    globalPosition: result.globalPosition.toString(),
    events: [...result.eventTypes],
    replayed: result.replayed,
  };
}

/** Sets the ETag of the stream revision so that a client can send it back as If-Match. */
export function withEtag<T extends CommandResponse>(
  response: { setHeader(name: string, value: string): void },
  body: T,
): T {
  response.setHeader('ETag', `"${body.streamRevision}"`);
  if (body.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return body;
}
