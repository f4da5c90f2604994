import { describe, expect, it } from 'vitest';
import {
  createTaskRequestSchema,
  normalizeStartUrl as requestNormalizeStartUrl,
} from '../../lib/contracts/request.ts';
import { BadRequestError } from '../../lib/errors.ts';
import { normalizeHttpUrl, normalizeStartUrl } from '../../lib/net/url-rules.ts';

describe('start URL normalization', () => {
  it.each([
    ['example.com', 'https://example.com/'],
    ['example.com/docs?a=1#top', 'https://example.com/docs?a=1#top'],
    ['localhost:3000/login', 'https://localhost:3000/login'],
    ['  https://Example.COM:443/a  ', 'https://example.com/a'],
    ['HTTP://example.com:80/', 'http://example.com/'],
    ['http://2130706433/', 'http://127.0.0.1/'],
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://0177.0.0.1/', 'http://127.0.0.1/'],
    ['http://example.com./', 'http://example.com/'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/'],
  ])('turns %s into %s', (raw, expected) => {
    expect(normalizeStartUrl(raw)).toBe(expected);
  });

  it.each([
    ['javascript:alert(1)', 'URL scheme "javascript:" is not allowed; use http or https'],
    ['data:text/html,<b>hi</b>', 'URL scheme "data:" is not allowed; use http or https'],
    ['file:///etc/passwd', 'URL scheme "file:" is not allowed; use http or https'],
    ['chrome://settings', 'URL scheme "chrome:" is not allowed; use http or https'],
    ['about:blank', 'URL scheme "about:" is not allowed; use http or https'],
    ['view-source:http://x.test/', 'URL scheme "view-source:" is not allowed; use http or https'],
    ['blob:https://x.test/id', 'URL scheme "blob:" is not allowed; use http or https'],
    ['ftp://x.test/file', 'URL scheme "ftp:" is not allowed; use http or https'],
    ['ws://x.test/socket', 'URL scheme "ws:" is not allowed; use http or https'],
    ['https:\\\\evil.test', 'URL must start with http:// or https://'],
    ['http:/evil.test', 'URL must start with http:// or https://'],
    [
      'https://user:secret@example.com/',
      'URL may not contain a user name or password; log in through the page instead',
    ],
    [
      'https://user@example.com/',
      'URL may not contain a user name or password; log in through the page instead',
    ],
    [
      'http://[fe80::1%25eth0]/',
      'URL has an IPv6 zone id, which names an interface of this machine',
    ],
    ['http://[fe80::1%eth0]/', 'URL has an IPv6 zone id, which names an interface of this machine'],
    ['http://exa mple.com/', 'URL is not well-formed'],
    ['http://example.com:70000/', 'URL is not well-formed'],
    ['http://example.com:0/', 'URL port 0 is not a valid port'],
    ['http://example..com../', 'URL host has an empty label'],
    ['http://exa\u0000mple.com/', 'URL contains control characters'],
    ['http://exa\nmple.com/', 'URL contains control characters'],
    ['', 'URL is empty'],
    [`https://example.com/${'a'.repeat(2100)}`, 'URL is longer than 2083 characters'],
  ])('refuses %s with a message a caller can act on', (raw, message) => {
    expect(() => normalizeStartUrl(raw)).toThrow(new BadRequestError(message));
  });

  it('requires a scheme for a webhook URL', () => {
    expect(normalizeHttpUrl('hooks.example.com/x', { allowBareHost: false })).toEqual({
      ok: false,
      message: 'URL must start with http:// or https://',
    });
  });
});

describe('task request validation', () => {
  const schema = createTaskRequestSchema(50);
  /** Issues as the API reports them: a record key's own message instead of zod's wrapper. */
  const issuesOf = (body: unknown) => {
    const result = schema.safeParse(body);
    if (result.success) return [];

    return result.error.issues.map((issue) => ({
      path: issue.path,
      message: issue.code === 'invalid_key' ? issue.issues[0].message : issue.message,
    }));
  };

  it('accepts a bare host and numeric IPv4 forms, which normalization then rewrites', () => {
    const parsed = schema.parse({ navigation_goal: 'get the invoice', url: 'example.com/billing' });

    expect(parsed.url).toBe('example.com/billing');
    expect(requestNormalizeStartUrl('example.com/billing')).toBe('https://example.com/billing');
    expect(requestNormalizeStartUrl('http://2130706433/')).toBe('http://127.0.0.1/');
  });

  it.each([
    [
      'url',
      'file:///etc/passwd',
      'URL must use http or https, or be a bare host such as example.com',
    ],
    [
      'url',
      'https://u:p@example.com/',
      'URL may not contain a user name or password; log in through the page instead',
    ],
    [
      'url',
      'http://[fe80::1%25eth0]/',
      'URL has an IPv6 zone id, which names an interface of this machine',
    ],
    ['url', 'http://example.com:0/', 'URL port 0 is not a valid port'],
    ['webhook_url', 'javascript:alert(1)', 'URL must be an absolute http or https URL'],
    [
      'webhook_url',
      'https://hook:secret@hooks.example.com/',
      'URL may not contain a user name or password; log in through the page instead',
    ],
    ['totp_url', 'codes.example.com', 'URL must be an absolute http or https URL'],
  ])('reports a bad %s (%s) under its own field', (field, value, message) => {
    const body = { navigation_goal: 'x', url: 'https://example.com/', [field]: value };

    expect(issuesOf(body)).toEqual([{ path: [field], message }]);
  });

  it.each([
    ['Host'],
    ['content-length'],
    ['Transfer-Encoding'],
    ['Connection'],
    ['Upgrade'],
    ['TE'],
    ['Proxy-Authorization'],
    ['Proxy-Anything'],
    ['X-Forwarded-For'],
    ['X-Forwarded-Port'],
    ['Forwarded'],
    ['Via'],
    ['X-Real-IP'],
  ])('refuses the extra header %s', (name) => {
    const body = {
      navigation_goal: 'x',
      url: 'https://example.com/',
      extra_http_headers: { [name]: 'v' },
    };

    expect(issuesOf(body)).toEqual([
      {
        path: ['extra_http_headers', name],
        message: 'Header may not be set by a caller: it controls the connection or the proxy',
      },
    ]);
  });

  it.each([[':authority'], ['Bad Name']])('refuses the header name %s', (name) => {
    const body = {
      navigation_goal: 'x',
      url: 'https://example.com/',
      extra_http_headers: { [name]: 'v' },
    };

    expect(issuesOf(body)).toEqual([
      { path: ['extra_http_headers', name], message: 'Header name must be an HTTP token' },
    ]);
  });

  it('refuses a header value that would split the request', () => {
    const headers = { 'X-Token': 'a\r\nHost: evil.test' };
    const body = { navigation_goal: 'x', url: 'https://example.com/', extra_http_headers: headers };

    expect(issuesOf(body)).toEqual([
      {
        path: ['extra_http_headers', 'X-Token'],
        message: 'Header value may not contain control characters',
      },
    ]);
  });

  it('refuses the same header given twice in different case', () => {
    const headers = { 'X-Tenant': 'a', 'x-tenant': 'b' };
    const body = { navigation_goal: 'x', url: 'https://example.com/', extra_http_headers: headers };

    expect(issuesOf(body)).toEqual([
      {
        path: ['extra_http_headers', 'x-tenant'],
        message: 'Header x-tenant is given twice (header names ignore case)',
      },
    ]);
  });

  it('accepts ordinary extra headers', () => {
    const headers = { Authorization: 'Bearer abc', 'X-Tenant': 'acme', Cookie: 'sid=1' };
    const body = { navigation_goal: 'x', url: 'https://example.com/', extra_http_headers: headers };

    expect(issuesOf(body)).toEqual([]);
  });
});
