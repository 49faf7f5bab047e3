// smtp_sink.mjs - a minimal SMTP server (RFC 5321 subset) for the tests of
// e-mail delivery: it keeps every mail it receives ({ from, to, data }).
import { createServer as createTcpServer } from 'node:net';

// beforeAccept(mail), when given, runs between the end of a mail's data and
// the relay's "250" that accepts it.
export function smtpSink({ beforeAccept } = {}) {
  const mails = [];
  const server = createTcpServer((sock) => {
    let buf = '';
    let data = false;
    let mail = { from: '', to: [], data: '' };
    sock.write('220 sink.test ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      for (;;) {
        if (data) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          data = false;
          mails.push(mail);
          if (beforeAccept) beforeAccept(mail);
          mail = { from: '', to: [], data: '' };
          if (!sock.destroyed) sock.write('250 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250 sink.test\r\n');
        else if (verb === 'MAIL') { mail.from = line; sock.write('250 ok\r\n'); }
        else if (verb === 'RCPT') { mail.to.push(line); sock.write('250 ok\r\n'); }
        else if (verb === 'DATA') { data = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => {}); // a client killed mid-exchange
  });
  return { server, mails };
}
