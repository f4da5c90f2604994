import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileSite, HUGE_DOM_BYTES, startHostileSite } from '../fixtures/hostile/site.ts';

let site: HostileSite;

beforeAll(async () => {
  site = await startHostileSite();
});

afterAll(async () => {
  await site.close();
});

describe('hostile fixture site', () => {
  it('redirects forever', async () => {
    let url = `${site.url}/redirect-loop`;
    for (let hop = 0; hop < 30; hop += 1) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(302);
      url = new URL(response.headers.get('location')!, url).href;
    }

    expect(url).toContain('hop=30');
  });

  it('streams a page of at least 50 MB', async () => {
    const response = await fetch(`${site.url}/huge-dom`);

    const body = await response.text();

    expect(body.length).toBeGreaterThanOrEqual(HUGE_DOM_BYTES);
    expect(body.endsWith('</body></html>')).toBe(true);
  });

  it('never finishes a page', async () => {
    const response = await fetch(`${site.url}/never-loads`, { signal: AbortSignal.timeout(500) });

    await expect(response.text()).rejects.toThrow();
  });

  it('names files so that they would leave the download folder', async () => {
    const plain = await fetch(`${site.url}/files/passwd`);
    const encoded = await fetch(`${site.url}/files/passwd-star`);

    expect(plain.headers.get('content-disposition')).toBe(
      'attachment; filename="../../etc/passwd"',
    );
    expect(encoded.headers.get('content-disposition')).toContain('..%2F..%2F..%2Fetc%2Fpasswd');
  });

  it('serves an empty file and a file of the size asked for', async () => {
    const empty = await fetch(`${site.url}/files/empty.pdf`);
    const large = await fetch(`${site.url}/files/large.csv?bytes=100000`);

    expect((await empty.arrayBuffer()).byteLength).toBe(0);
    expect((await large.arrayBuffer()).byteLength).toBe(100_000);
  });
});
