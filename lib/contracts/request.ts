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
  'via',
  'x-real-ip',
  'http2-settings',
]);

/** Prefixes of header names a caller may not set (proxy control, client address spoofing). */
export const FORBIDDEN_HEADER_PREFIXES = ['proxy-', 'x-forwarded-'];

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** An http(s) URL, normalized by the network rules' URL check (see lib/net/url-rules.ts). */
const httpUrl = (allowBareHost: boolean) =>
  z
    .string()
    .min(1)
    .max(MAX_URL_LENGTH)
    .transform((value, ctx) => {
      const result = normalizeHttpUrl(value, { allowBareHost });
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.message });
        return z.NEVER;
      }

      return result.url;
    });

function isForbiddenHeader(lowerName: string): boolean {
  return (
    FORBIDDEN_HEADER_NAMES.has(lowerName) ||
    FORBIDDEN_HEADER_PREFIXES.some((prefix) => lowerName.startsWith(prefix))
  );
}

const HeadersSchema = z
  .record(z.string().min(1).max(256), z.string().max(8192))
  .superRefine((headers, ctx) => {
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'Header name is not a valid token' });
      } else if (isForbiddenHeader(lower)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `Header ${name} may not be set` });
      } else if (seen.has(lower)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `Header ${name} is given twice (header names ignore case)`,
        });
      }
      seen.add(lower);
      if (!HEADER_VALUE.test(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'Header value may not contain control characters',
        });
      }
    }
  })
  .refine((headers) => Object.keys(headers).length <= 50, 'At most 50 headers');

/**
 * The body of `POST /v1/run/tasks/download_files`. `maxStepsLimit` is the deployment's
 * MAX_STEPS_LIMIT, the upper bound of `max_steps_per_run`.
 */
export function createTaskRequestSchema(maxStepsLimit: number) {
  return z
    .strictObject({
      navigation_goal: z.string().min(1).max(10_000),
      url: nullable(httpUrl(true)),
      webhook_url: nullable(httpUrl(false)),
      proxy_location: nullable(ProxyLocationSchema),
      totp_identifier: nullable(z.string().min(1).max(256)),
      totp_url: nullable(httpUrl(false)),
      browser_session_id: nullable(z.string().regex(/^pbs_[A-Za-z0-9]{1,64}$/)),
      browser_profile_id: nullable(z.string().regex(/^bp_[A-Za-z0-9]{1,64}$/)),
      browser_address: nullable(
        z
          .string()
          .max(MAX_URL_LENGTH)
          .refine(
            (value) => /^(https?|wss?):\/\//i.test(value),
            'CDP address must be http(s) or ws(s)',
          ),
      ),
      extra_http_headers: nullable(HeadersSchema),
      max_screenshot_scrolling_times: nullable(z.number().int().min(0).max(20)),
      download_suffix: nullable(z.string().min(1).max(255)),
      download_timeout: nullable(z.number().min(1).max(900)),
      max_steps_per_run: nullable(z.number().int().min(1).max(maxStepsLimit)),
    })
    .superRefine((body, ctx) => {
      const origins = ['browser_session_id', 'browser_profile_id', 'browser_address'] as const;
      const set = origins.filter((field) => body[field] != null);
      if (set.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [set[1]],
          message: `At most one of ${origins.join(', ')} may be set`,
        });
      }
      if (body.url == null && body.browser_session_id == null && body.browser_address == null) {
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message: 'url is required unless browser_session_id or browser_address is set',
        });
      }
    });
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
