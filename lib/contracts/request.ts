import { z } from 'zod';
import { MAX_URL_LENGTH, normalizeHttpUrl } from '../net/url-rules.ts';

export { MAX_URL_LENGTH };

export const PROXY_LOCATIONS = [
  'RESIDENTIAL',
  'US-CA',
  'US-NY',
  'US-TX',
  'US-FL',
  'US-WA',
  'RESIDENTIAL_ES',
  'RESIDENTIAL_IE',
  'RESIDENTIAL_GB',
  'RESIDENTIAL_IN',
  'RESIDENTIAL_JP',
  'RESIDENTIAL_FR',
  'RESIDENTIAL_DE',
  'RESIDENTIAL_NZ',
  'RESIDENTIAL_ZA',
  'RESIDENTIAL_AR',
  'RESIDENTIAL_AU',
  'RESIDENTIAL_BR',
  'RESIDENTIAL_TR',
  'RESIDENTIAL_CA',
  'RESIDENTIAL_MX',
  'RESIDENTIAL_IT',
  'RESIDENTIAL_NL',
  'RESIDENTIAL_PH',
  'RESIDENTIAL_ISP',
  'NONE',
] as const;

export const ProxyLocationSchema = z.enum(PROXY_LOCATIONS);
export type ProxyLocation = z.infer<typeof ProxyLocationSchema>;

export const MAX_BODY_BYTES = 256 * 1024;

/** Header names a caller may not set: they would break HTTP framing or bypass the network rules. */
export const FORBIDDEN_HEADER_NAMES = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  // A JSON object key that JavaScript objects cannot hold as data.
  '__proto__',
  'via',
  'x-real-ip',
  'http2-settings',
]);

/** Prefixes of header names a caller may not set (proxy control, client address spoofing). */
export const FORBIDDEN_HEADER_PREFIXES = ['proxy-', 'x-forwarded-'];

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADERS = 50;

/** Matches `word` in any letter case without a flag, so the pattern survives into JSON Schema. */
function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
}

const FORBIDDEN_HEADER = new RegExp(
  `^(?!(?:${[...FORBIDDEN_HEADER_NAMES].map(anyCase).join('|')})$)` +
    `(?!${FORBIDDEN_HEADER_PREFIXES.map(anyCase).join('|')})`,
);

const HTTP_SCHEME = `${anyCase('http')}[sS]?://`;
const AUTHORITY_AND_REST = '[^\\s/?#]+(?:[/?#]\\S*)?$';

/** An absolute http(s) URL. */
const HTTP_URL = new RegExp(`^${HTTP_SCHEME}${AUTHORITY_AND_REST}`);

/** An http(s) URL or a bare host (`example.com/path`); anything with another scheme fails. */
const START_URL = new RegExp(
  `^(?:${HTTP_SCHEME}|(?![a-zA-Z][a-zA-Z0-9+.-]*:(?!\\d)))${AUTHORITY_AND_REST}`,
);

/** A CDP address: http(s) or ws(s). */
const CDP_ADDRESS = new RegExp(`^(?:${HTTP_SCHEME}|${anyCase('ws')}[sS]?://)${AUTHORITY_AND_REST}`);

/**
 * The start URL as the browser opens it: a bare host gets `https://`, and the host is written
 * the way the network rules judge it (see lib/net/url-rules.ts).
 */
export function normalizeStartUrl(url: string): string {
  const result = normalizeHttpUrl(url, { allowBareHost: true });
  if (result.ok) return result.url;

  return HTTP_URL.test(url) ? url : `https://${url}`;
}

/** The URL rules of the network rules: no user name or password, no zone id, a real host. */
function followsUrlRules(allowBareHost: boolean) {
  return (value: string, ctx: z.RefinementCtx) => {
    // The length rule has already reported an over-long URL.
    if (value.length > MAX_URL_LENGTH) return;
    const result = normalizeHttpUrl(value, { allowBareHost });
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
  };
}

/** True when WHATWG URL parsing accepts the URL and it names a host. */
function isParsable(url: string): boolean {
  return URL.canParse(url) && new URL(url).hostname !== '';
}

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** An absolute http(s) URL, as webhook_url and totp_url take it. */
export const HttpUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .regex(HTTP_URL, { message: 'URL must be an absolute http or https URL', abort: true })
  .superRefine(followsUrlRules(false));

const startUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .regex(START_URL, {
    message: 'URL must use http or https, or be a bare host such as example.com',
    abort: true,
  })
  .superRefine(followsUrlRules(true));

const cdpAddress = z
  .string()
  .max(MAX_URL_LENGTH)
  .regex(CDP_ADDRESS, { message: 'CDP address must be an http(s) or ws(s) URL', abort: true })
  .refine(isParsable, 'CDP address is not well-formed');

const HeaderNameSchema = z
  .string()
  .max(256)
  .regex(HEADER_TOKEN, 'Header name must be an HTTP token')
  .regex(
    FORBIDDEN_HEADER,
    'Header may not be set by a caller: it controls the connection or the proxy',
  );

const HeadersSchema = z
  .record(
    HeaderNameSchema,
    z.string().max(8192).regex(HEADER_VALUE, 'Header value may not contain control characters'),
  )
  .refine((headers) => Object.keys(headers).length <= MAX_HEADERS, {
    message: `At most ${MAX_HEADERS} headers`,
  })
  .superRefine(refuseRepeatedNames)
  .meta({ maxProperties: MAX_HEADERS });

/** Two names that differ only in case are one header: which value the site gets is a guess. */
function refuseRepeatedNames(headers: Record<string, string>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `Header ${name} is given twice (header names ignore case)`,
      });
    }
    seen.add(lower);
  }
}

const START_ORIGINS = ['browser_session_id', 'browser_profile_id', 'browser_address'] as const;

/** Both fields set (not null): the JSON Schema form of the one-origin rule. */
const bothSet = (a: string, b: string) => ({
  required: [a, b],
  properties: { [a]: { type: 'string' }, [b]: { type: 'string' } },
});

const isSet = (field: string) => ({
  required: [field],
  properties: { [field]: { type: 'string' } },
});

/** The cross-field rules of section 2, for the OpenAPI document. */
const CROSS_FIELD_RULES = {
  not: {
    anyOf: [
      bothSet('browser_session_id', 'browser_profile_id'),
      bothSet('browser_session_id', 'browser_address'),
      bothSet('browser_profile_id', 'browser_address'),
    ],
  },
  anyOf: [isSet('url'), isSet('browser_session_id'), isSet('browser_address')],
};

/**
 * The body of `POST /v1/run/tasks/download_files`. `maxStepsLimit` is the deployment's
 * MAX_STEPS_LIMIT, the upper bound of `max_steps_per_run`.
 */
export function createTaskRequestSchema(maxStepsLimit: number) {
  return z
    .strictObject({
      // A goal of white space alone says nothing the agent could act on.
      navigation_goal: z
        .string()
        .min(1, { abort: true })
        .max(10_000)
        .regex(/\S/, 'navigation_goal must contain more than white space'),
      url: nullable(startUrl),
      webhook_url: nullable(HttpUrlSchema),
      proxy_location: nullable(ProxyLocationSchema),
      totp_identifier: nullable(z.string().min(1).max(256)),
      totp_url: nullable(HttpUrlSchema),
      browser_session_id: nullable(z.string().regex(/^pbs_[A-Za-z0-9]{1,64}$/)),
      browser_profile_id: nullable(z.string().regex(/^bp_[A-Za-z0-9]{1,64}$/)),
      browser_address: nullable(cdpAddress),
      extra_http_headers: nullable(HeadersSchema),
      max_screenshot_scrolling_times: nullable(z.number().int().min(0).max(20)),
      download_suffix: nullable(z.string().min(1).max(255)),
      download_timeout: nullable(z.number().min(1).max(900)),
      max_steps_per_run: nullable(z.number().int().min(1).max(maxStepsLimit)),
    })
    .superRefine((body, ctx) => {
      const set = START_ORIGINS.filter((field) => body[field] != null);
      if (set.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [set[1]],
          message: `At most one of ${START_ORIGINS.join(', ')} may be set`,
        });
      }
      if (body.url == null && body.browser_session_id == null && body.browser_address == null) {
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message: 'url is required unless browser_session_id or browser_address is set',
        });
      }
    })
    .meta(CROSS_FIELD_RULES);
}

export type TaskRequestInput = z.input<ReturnType<typeof createTaskRequestSchema>>;

/** The request as accepted, with every default filled in. */
export const RunRequestSchema = z.strictObject({
  navigation_goal: z.string(),
  url: z.string().nullable(),
  webhook_url: z.string().nullable(),
  proxy_location: ProxyLocationSchema,
  totp_identifier: z.string().nullable(),
  totp_url: z.string().nullable(),
  browser_session_id: z.string().nullable(),
  browser_profile_id: z.string().nullable(),
  browser_address: z.string().nullable(),
  extra_http_headers: z.record(z.string(), z.string()).nullable(),
  max_screenshot_scrolling_times: z.number().int(),
  download_suffix: z.string().nullable(),
  download_timeout: z.number(),
  max_steps_per_run: z.number().int(),
});

export type RunRequest = z.infer<typeof RunRequestSchema>;

/** Fills the defaults of section 2 into a validated request. */
export function withDefaults(body: TaskRequestInput): RunRequest {
  return {
    navigation_goal: body.navigation_goal,
    url: body.url ?? null,
    webhook_url: body.webhook_url ?? null,
    proxy_location: body.proxy_location ?? 'NONE',
    totp_identifier: body.totp_identifier ?? null,
    totp_url: body.totp_url ?? null,
    browser_session_id: body.browser_session_id ?? null,
    browser_profile_id: body.browser_profile_id ?? null,
    browser_address: body.browser_address ?? null,
    extra_http_headers: body.extra_http_headers ?? null,
    max_screenshot_scrolling_times: body.max_screenshot_scrolling_times ?? 3,
    download_suffix: body.download_suffix ?? null,
    download_timeout: body.download_timeout ?? 120,
    max_steps_per_run: body.max_steps_per_run ?? 10,
  };
}
