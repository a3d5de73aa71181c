import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { SmtpMailSender } from './mail-sender';

/** What a minimal SMTP server on 127.0.0.1 received: the envelope and the message as sent. */
interface Received {
  readonly from: string;
  readonly to: string[];
  readonly data: string;
}

/**
 * Just enough of RFC 5321 for a client to deliver a message (no TLS, no authentication): every command is
 * accepted, or refused with `refuse` for RCPT TO.
 */
function smtpServer(
  options: { refuse?: string } = {},
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let inData = false;
    let from = '';
    let to: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push({ from, to, data: buffer.slice(0, end) });
          buffer = buffer.slice(end + 5);
          inData = false;
          to = [];
          reply('250 2.0.0 queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 test');
        else if (verb === 'MAIL') {
          from = line.slice(line.indexOf(':') + 1).trim();
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          if (options.refuse) reply(options.refuse);
          else {
            to.push(line.slice(line.indexOf(':') + 1).trim());
            reply('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
        else reply('502 5.5.2 not implemented');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`, received }),
    ),
  );
}

/** A message's header fields by lower-case name, folded lines unfolded (RFC 5322 2.2.3). */
function headersOf(data: string): Map<string, string> {
  const head = data.slice(0, data.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new Map(
    head.split('\r\n').map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
    }),
  );
}

describe('SMTP mail sender (nodemailer)', () => {
  const message = {
    id: '0192d2b4-2f4e-7c3a-9b1e-3d2f1a0b9c8d',
    from: 'service-desk@example.com',
    to: 'user@example.com',
    subject: '[T-1] Resolved',
    text: 'Your ticket T-1 was resolved.\nReply to reopen it.\n',
  };

  it('delivers the message with the notification id as its Message-ID', async () => {
    const { server, url, received } = await smtpServer();
    try {
      const receipt = await new SmtpMailSender(url).send(message);
      expect(receipt).toEqual({ transport: 'smtp', messageId: `<${message.id}@service-desk.notifications>` });
      expect(received).toHaveLength(1);
      const [mail] = received;
      expect(mail.from).toBe('<service-desk@example.com>');
      expect(mail.to).toEqual(['<user@example.com>']);
      const headers = headersOf(mail.data);
      expect(headers.get('message-id')).toBe(`<${message.id}@service-desk.notifications>`);
      expect(headers.get('to')).toBe('user@example.com');
      expect(headers.get('from')).toBe('service-desk@example.com');
      expect(headers.get('subject')).toBe('[T-1] Resolved');
      expect(mail.data).toContain('Your ticket T-1 was resolved.\r\nReply to reopen it.');
    } finally {
      server.close();
    }
  });

  it('fails when the server refuses the recipient, so that the outbox retries', async () => {
    const { server, url, received } = await smtpServer({ refuse: '550 5.1.1 no such user' });
    try {
      await expect(new SmtpMailSender(url).send(message)).rejects.toThrow(/550 5\.1\.1 no such user/);
      expect(received).toEqual([]);
    } finally {
      server.close();
    }
  });
});
