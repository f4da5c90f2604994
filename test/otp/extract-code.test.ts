import { describe, expect, it } from 'vitest';
import { extractCode } from '../../lib/otp/extract-code.ts';

describe('extractCode', () => {
  it.each([
    ['123456', '123456'],
    ['  A1B2C3 ', 'A1B2C3'],
    ['Your verification code is 482913. It expires in 10 minutes.', '482913'],
    ['Order 20240501 placed on 2024-05-01. Use code 7712 to sign in.', '7712'],
    ['5519 is your Acme one-time password', '5519'],
    ['€1,234.00 was charged to your card. OTP: 99812', '99812'],
    ['Hello Ana, your login PIN for the portal: 0042 (valid 10 min)', '0042'],
    ['G-482913 is your Google verification code.', '482913'],
    ['Your statement is ready. Reference 88213344 (no code word: the first number)', '88213344'],
  ])('finds the code in %j', (content, code) => {
    expect(extractCode(content)).toBe(code);
  });

  it.each([
    ['', null],
    ['Call us on 555-1234 at any time, we are happy to help', null],
    ['No digits in this message at all, only words and more words', null],
  ])('finds no code in %j', (content, code) => {
    expect(extractCode(content)).toBe(code);
  });
});
