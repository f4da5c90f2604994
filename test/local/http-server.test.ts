import { describe, expect, it } from 'vitest';
import { startLocalHttpServer } from '../../lib/local/http-server.ts';

describe('the local HTTP server', () => {
  it('answers a handler failure with a JSON 500 that carries a request id', async () => {
    const errors: unknown[] = [];
    const server = await startLocalHttpServer(
      async () => {
        throw new Error('handler broke');
      },
      { host: '127.0.0.1', port: 0, onError: (error) => errors.push(error) },
    );
    try {
      const response = await fetch(`${server.url}/v1/runs`);
      const body = await response.json();

      expect(response.status).toBe(500);
      expect(body.detail).toBe('Internal error');
      expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('x-request-id')).toBe(body.request_id);
      expect(errors).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('answers a too large body with a JSON 413 and a request id, without the handler', async () => {
    const ids: string[] = [];
    const server = await startLocalHttpServer(
      async (event) => {
        ids.push(event.requestContext.requestId);
        return { statusCode: 200, headers: {}, body: '{}' };
      },
      { host: '127.0.0.1', port: 0, onError: () => {} },
    );
    try {
      const large = await fetch(server.url, { method: 'POST', body: 'x'.repeat(10_485_761) });
      const body = await large.json();

      expect(large.status).toBe(413);
      expect(body.request_id).toBe(large.headers.get('x-request-id'));
      expect(ids).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
