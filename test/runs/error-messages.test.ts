import { describe, expect, it } from 'vitest';
import { firstLineOf } from '../../lib/errors.ts';

describe('error messages kept in a run', () => {
  it('keep the first line of a browser error, without its call log or colour codes', () => {
    const error = new Error(
      'elementHandle.click: Timeout 5000ms exceeded.\nCall log:\n\u001b[2m  - waiting for element\u001b[22m',
    );

    expect(firstLineOf(error)).toBe('elementHandle.click: Timeout 5000ms exceeded.');
    expect(firstLineOf(new Error('\u001b[31mred\u001b[39m alert'))).toBe('red alert');
    expect(firstLineOf('plain text')).toBe('plain text');
    expect(firstLineOf(new Error('x'.repeat(500)))).toHaveLength(300);
  });
});
