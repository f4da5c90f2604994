import type { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS } from './support.ts';

/** The AwsSolutions findings left after the stack's acknowledgments, as `rule at path`. */
function findings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);

  return report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) => `${violation.ruleName} at ${resource.constructPath}`,
    ),
  );
}

let defaultStack: Stack;

beforeAll(() => {
  defaultStack = buildStack().stack;
}, FIRST_SYNTH_TIMEOUT_MS);

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing in the default stack', () => {
    expect(findings(defaultStack)).toEqual([]);
  });

  it('finds nothing with every option turned on', () => {
    const { stack } = buildStack(
      {
        model: { provider: 'bedrock', modelId: 'us.anthropic.claude-sonnet-4-v1:0' },
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/retriever/abc',
        eventBus: 'create',
        maxConcurrentBrowsers: 4,
        proxyUrls: { RESIDENTIAL: 'http://proxy.example:3128' },
      },
      { stackProps: { alarmEmail: 'ops@example.com' } },
    );

    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing with a model behind an OpenAI-compatible endpoint', () => {
    const { stack } = buildStack({
      model: {
        provider: 'openai',
        baseUrl: 'https://api.openai.com/v1',
        modelId: 'gpt-5',
        apiKeySecret: 'retriever/openai',
      },
    });

    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing in a stack that learns its account and region at deploy time', () => {
    expect(findings(buildStack({}, { env: null }).stack)).toEqual([]);
  });

  it('still reports a wildcard the design does not accept', () => {
    const { stack } = buildStack(
      {},
      {
        customize: (built) =>
          built.service.functions.api.addToRolePolicy(
            new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
          ),
      },
    );

    expect(findings(stack)).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::\*\] at .*ApiFunction/),
    ]);
  });
});
