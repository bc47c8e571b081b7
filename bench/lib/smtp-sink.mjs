// A local SMTP server that accepts everything and keeps what it received, so a benchmark can
// count the mails Stoa really sent (by Subject), not the rows it says it sent. It speaks just
// enough of RFC 5321 for nodemailer: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. No AUTH, no
// STARTTLS, no PIPELINING (none is advertised, so the client sends one command at a time).

import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const NAME = 'stoa-bench-sink';

/** The unfolded value of one header of a message (headers end at the first empty line). */
function headerOf(lines, name) {
  const prefix = `${name.toLowerCase()}:`;
  let value;
  for (const line of lines) {
    if (line === '') break;
    if (value !== undefined && /^[ \t]/.test(line)) value += line.replace(/^[ \t]+/, ' ');
    else if (value !== undefined) break;
    else if (line.toLowerCase().startsWith(prefix)) value = line.slice(prefix.length).trim();
  }
  return value ?? '';
}

/**
 * Starts the sink on a free port of 127.0.0.1.
 * - `greetingDelayMs`: each connection waits this long for the 220 banner (a remote relay's
 *   latency; nodemailer opens one connection per message, so it paces the sender).
 * - `onMessage(message)`: called when a message's DATA has ended, before the 250 reply. The
 *   message counts from that moment, as it would at a real relay, which delivers what it has
 *   received even if the client vanishes before it reads the 250. May return a promise.
 * Returns `{ port, messages, openSessions(), close() }`; `messages` are
 * `{ at, subject, messageId, from, to, bytes }` in arrival order.
 */
export async function startSmtpSink({ greetingDelayMs = 0, onMessage } = {}) {
  const messages = [];
  const sockets = new Set();
  let sessions = 0;

  const server = createServer((socket) => {
    sockets.add(socket);
    sessions++;
    socket.once('close', () => {
      sockets.delete(socket);
      sessions--;
    });
    // A client killed mid-session resets the connection; that is the point of the exercise.
    socket.on('error', () => undefined);
    socket.setEncoding('latin1');

    let buffer = '';
    let envelope = { from: '', to: [] };
    let data; // the lines of the message while in DATA mode
    let busy = Promise.resolve();
    const reply = (line) => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };

    const command = async (line) => {
      if (data) {
        if (line !== '.') {
          data.push(line.startsWith('..') ? line.slice(1) : line);
          return;
        }
        const lines = data;
        data = undefined;
        const message = {
          at: Date.now(),
          subject: headerOf(lines, 'Subject'),
          messageId: headerOf(lines, 'Message-ID'),
          from: envelope.from,
          to: envelope.to,
          bytes: lines.reduce((n, l) => n + l.length + 2, 0),
        };
        envelope = { from: '', to: [] };
        messages.push(message);
        await onMessage?.(message);
        reply(`250 OK queued as ${messages.length}`);
        return;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') reply(`250 ${NAME}`);
      else if (verb === 'MAIL') {
        envelope = { from: line.slice(10).trim(), to: [] };
        reply('250 OK');
      } else if (verb === 'RCPT') {
        envelope.to.push(line.slice(8).trim());
        reply('250 OK');
      } else if (verb === 'DATA') {
        data = [];
        reply('354 End data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        envelope = { from: '', to: [] };
        reply('250 OK');
      } else if (verb === 'NOOP') reply('250 OK');
      else if (verb === 'QUIT') {
        reply(`221 ${NAME} closing`);
        socket.end();
      } else reply('502 Command not implemented');
    };

    socket.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // One command at a time, in order; a failing hook drops the session (no 250 for it).
        busy = busy.then(() => command(line)).catch(() => socket.destroy());
      }
    });

    void sleep(greetingDelayMs).then(() => reply(`220 ${NAME} ESMTP`));
  });

  await new Promise((resolve, reject) =>
    server.listen(0, '127.0.0.1', resolve).once('error', reject),
  );
  return {
    port: server.address().port,
    messages,
    /** Connections open right now (a mail being sent). */
    openSessions: () => sessions,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
