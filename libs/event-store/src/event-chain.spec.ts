import { eventHash } from './event-chain';

/**
 * The chain's exact definition, as docs/audit.md gives it for auditors who recompute it with their own
 * tools: SHA-256, lowercase hex, over the UTF-8 of the previous hash ('' for a stream's first event), stream
 * id, revision, type, schema version, data JSON and metadata JSON joined by NUL. The digests were computed
 * with Python's hashlib, not with this code; a store written by any build must keep verifying.
 */
describe('eventHash', () => {
  const first = {
    streamId: 'ticket-42',
    streamRevision: 0,
    type: 'TicketLogged',
    schemaVersion: 1,
    dataJson: '{"ticketId":"42","summary":"Outlook – ne démarre pas"}',
    metadataJson: '{"principalId":"agent-1"}',
  };
  const firstHash = '57b7fa0271c7fb015595f4a4d99ccfcd8b91846fbabe0a45d7bc69b16350a3c8';

  it("hashes a stream's first event over an empty previous hash", () => {
    expect(eventHash(null, first)).toBe(firstHash);
  });

  it('chains the next event to the previous hash', () => {
    const next = {
      streamId: 'ticket-42',
      streamRevision: 1,
      type: 'TicketAcknowledged',
      schemaVersion: 1,
      dataJson: '{"assigneeId":"agent-1"}',
      metadataJson: '{"principalId":"agent-1"}',
    };
    expect(eventHash(firstHash, next)).toBe(
      'af0cc5a0ec560f37cbdf32e3cb8613facbfca76b3fa3f649c5ed8bf8cee92ebf',
    );
    expect(eventHash(null, next)).not.toBe(eventHash(firstHash, next));
  });
});
