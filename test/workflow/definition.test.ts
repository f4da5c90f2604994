import { describe, expect, it } from 'vitest';
import { LAMBDA_SERVICE_ERRORS, STATE } from '../../lib/workflow/definition.ts';
import { synthesizedDefinition } from '../support/synthesized-definition.ts';
import { testDefinition } from '../support/workflow-harness.ts';

type State = Record<string, unknown> & {
  Type: string;
  Retry?: {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    BackoffRate?: number;
    MaxAttempts?: number;
  }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
};

// The definition as the CDK stack deploys it, taken from the synthesized template.
const definition = synthesizedDefinition(1800) as {
  States: Record<string, State>;
  TimeoutSeconds: number;
};
const states = definition.States;

function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child);
      walk(child, visit);
    }
  }
}

describe('buildDefinition', () => {
  it('never writes a state result over the whole input and stays in JSONPath', () => {
    const resultPaths: unknown[] = [];
    walk(definition, (key, value) => {
      if (key === 'ResultPath') resultPaths.push(value);
      expect(key).not.toBe('QueryLanguage');
    });

    expect(resultPaths.length).toBeGreaterThan(5);
    expect(resultPaths).not.toContain('$');
  });

  it('invokes each function by its ARN, so the function gets the state parameters as payload', () => {
    expect(states[STATE.prepare].Resource).toMatch(/function:RetrieverPrepare/);
    expect(states[STATE.browserStep].Resource).toMatch(/function:RetrieverBrowserStep/);
    expect(states[STATE.finalize].Resource).toMatch(/function:RetrieverFinalize/);
    expect(states[STATE.webhook].Resource).toMatch(/function:RetrieverWebhook/);
    expect(states[STATE.recordWebhookFailure].Resource).toBe(states[STATE.webhook].Resource);
  });

  it('retries Lambda service errors and throttling on every function state', () => {
    for (const name of [STATE.prepare, STATE.browserStep, STATE.finalize, STATE.webhook]) {
      const matched = states[name].Retry?.flatMap((retry) => retry.ErrorEquals) ?? [];
      expect(matched, name).toEqual(expect.arrayContaining(LAMBDA_SERVICE_ERRORS));
    }
  });

  it('sends errors of the loop to Finalize with their name and message', () => {
    for (const name of [STATE.prepare, STATE.browserStep]) {
      expect(states[name].Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.finalize },
      ]);
    }
  });

  it('retries the webhook at least 5 times over at least 2 minutes with exponential backoff', () => {
    const retry = states[STATE.webhook].Retry?.find((rule) =>
      rule.ErrorEquals.includes('WebhookDeliveryError'),
    );
    const waits = Array.from(
      { length: retry?.MaxAttempts ?? 0 },
      (_, index) => (retry?.IntervalSeconds ?? 0) * (retry?.BackoffRate ?? 1) ** index,
    );

    expect(1 + waits.length).toBeGreaterThanOrEqual(5);
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeGreaterThanOrEqual(120);
    expect(retry?.BackoffRate).toBeGreaterThan(1);
    expect(states[STATE.webhook].Catch?.[0].Next).toBe(STATE.recordWebhookFailure);
  });

  it('stops the execution some time after RUN_TIMEOUT_S, as a backstop to the loop', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThan(1800);
    expect(testDefinition(60, 5).TimeoutSeconds).toBe(65);
  });
});
