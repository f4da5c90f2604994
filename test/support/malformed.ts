import fc from 'fast-check';
import { PROXY_LOCATIONS } from '../../lib/contracts/request.ts';

export const FIELDS = [
  'navigation_goal',
  'url',
  'webhook_url',
  'proxy_location',
  'totp_identifier',
  'totp_url',
  'browser_session_id',
  'browser_profile_id',
  'browser_address',
  'extra_http_headers',
  'max_screenshot_scrolling_times',
  'download_suffix',
  'download_timeout',
  'max_steps_per_run',
] as const;

type Body = Record<string, unknown>;
type Mutation = (body: Body) => Body;

const set = (field: string) => (value: unknown) => (body: Body) => ({ ...body, [field]: value });
const notInteger = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((n) => !Number.isInteger(n));
const wrongScalar = fc.oneof(
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string().map((s) => `${s}!`),
);
const badUrl = fc.oneof(
  fc.constantFrom('ftp://example.com/a', 'javascript:alert(1)', 'http://', 'exa mple.com', '', ' '),
  fc.webUrl().map((url) => url.replace(/^https?/, 'gopher')),
  fc.integer(),
);

/** Changes that each make a valid body invalid under section 2 of the contract. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant((body: Body) => {
    const { navigation_goal: _goal, ...rest } = body;
    return rest;
  }),
  fc
    .oneof(
      fc.constantFrom('', null, 'x'.repeat(10_001)),
      fc.integer(),
      wrongScalar.filter((v) => typeof v !== 'string'),
    )
    .map(set('navigation_goal')),
  badUrl.map(set('url')),
  fc.oneof(badUrl, fc.domain()).map(set('webhook_url')),
  fc.oneof(badUrl, fc.domain()).map(set('totp_url')),
  fc
    .string()
    .filter((s) => !(PROXY_LOCATIONS as readonly string[]).includes(s))
    .map(set('proxy_location')),
  fc
    .string()
    .filter((s) => !/^pbs_[A-Za-z0-9]{1,64}$/.test(s))
    .map(set('browser_session_id')),
  fc
    .string()
    .filter((s) => !/^bp_[A-Za-z0-9]{1,64}$/.test(s))
    .map(set('browser_profile_id')),
  fc
    .oneof(fc.integer({ max: -1 }), fc.integer({ min: 21 }), notInteger, wrongScalar)
    .map(set('max_screenshot_scrolling_times')),
  fc
    .oneof(
      fc.double({ max: 0.999, noNaN: true }),
      fc.double({ min: 900.001, noNaN: true }),
      wrongScalar,
    )
    .map(set('download_timeout')),
  fc
    .oneof(fc.integer({ max: 0 }), fc.integer({ min: 51 }), notInteger, wrongScalar)
    .map(set('max_steps_per_run')),
  fc
    .oneof(
      fc.constantFrom(
        { Host: 'a' },
        { 'bad name': 'a' },
        { 'X-A': 'line\nbreak' },
        { 'proxy-x': 'a' },
        5,
        'a',
        [],
      ),
    )
    .map(set('extra_http_headers')),
  fc.constantFrom('', 7, false).map(set('download_suffix')),
  fc
    .tuple(
      fc.string({ minLength: 1 }).filter((k) => !(FIELDS as readonly string[]).includes(k)),
      fc.jsonValue(),
    )
    .map(([key, value]) => (body: Body) => ({ ...body, [key]: value })),
  fc.constant(set('url')(null)),
  fc.constant((body: Body) => ({
    ...body,
    browser_profile_id: 'bp_1',
    browser_address: 'ws://127.0.0.1:9/x',
  })),
);

/** Valid bodies: the required field, plus any of the optional fields with valid values. */
export const validBody: fc.Arbitrary<Body> = fc.record(
  {
    navigation_goal: fc.string({ minLength: 1, maxLength: 200 }),
    url: fc.oneof(fc.webUrl(), fc.domain()),
    webhook_url: fc.oneof(fc.webUrl(), fc.constant(null)),
    proxy_location: fc.constantFrom('NONE', null),
    totp_identifier: fc.oneof(fc.emailAddress(), fc.constant(null)),
    extra_http_headers: fc.oneof(
      fc.dictionary(
        fc.stringMatching(/^X-[A-Za-z0-9-]{1,20}$/),
        fc.string({ maxLength: 30 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
        { maxKeys: 5 },
      ),
      fc.constant(null),
    ),
    max_screenshot_scrolling_times: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(null)),
    download_suffix: fc.oneof(fc.constantFrom('.pdf', 'invoice-2024', 'a.csv'), fc.constant(null)),
    download_timeout: fc.oneof(fc.double({ min: 1, max: 900, noNaN: true }), fc.constant(null)),
    max_steps_per_run: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(null)),
  },
  { requiredKeys: ['navigation_goal', 'url'] },
);

/** Bodies that break at least one rule: a valid body with one to three mutations applied. */
export const invalidBody: fc.Arbitrary<Body> = fc
  .tuple(validBody, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([body, changes]) => changes.reduce((current, change) => change(current), body));
