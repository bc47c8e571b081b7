import type { IncomingMessage, ServerResponse } from 'node:http';
import { correlationId } from './correlation-id';

function call(header?: string) {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (k: string, v: string) => (headers[k] = v),
  } as unknown as ServerResponse;
  const req = {
    headers: header === undefined ? {} : { 'x-request-id': header },
  } as IncomingMessage;
  return { id: correlationId(req, res), header: headers['X-Request-Id'] };
}

describe(correlationId.name, () => {
  it('should reuse a safe incoming X-Request-Id and echo it', () => {
    expect(call('abc-123.def:4')).toEqual({ id: 'abc-123.def:4', header: 'abc-123.def:4' });
  });

  it('should mint a UUID when the header is missing or unsafe for logs', () => {
    for (const header of [undefined, '', 'has spaces', 'x'.repeat(200), 'line\nbreak']) {
      const { id, header: echoed } = call(header);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(echoed).toBe(id);
    }
  });

  it('should keep the id a request already has (one id from the front middleware to the logs)', () => {
    const headers: Record<string, string> = {};
    const res = {
      setHeader: (k: string, v: string) => (headers[k] = v),
    } as unknown as ServerResponse;
    const req = { headers: {} } as IncomingMessage;
    const first = correlationId(req, res);
    expect(correlationId(req, res)).toBe(first);
    expect(headers['X-Request-Id']).toBe(first);
  });
});
