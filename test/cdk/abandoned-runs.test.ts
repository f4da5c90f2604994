import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS, functionNamed, resourcesOfType } from './support.ts';

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

describe('runs whose execution ended without Finalize', () => {
  it("sends this state machine's failed, timed-out and stopped executions to finalize", () => {
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const [rule] = resourcesOfType(template, 'AWS::Events::Rule');
    const [queue] = resourcesOfType(template, 'AWS::SQS::Queue');
    const finalize = functionNamed(template, 'Finalize').logicalId;

    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [expect.anything()],
      },
    });
    expect(JSON.stringify(rule.Properties.EventPattern.detail.stateMachineArn)).toContain(
      `:stateMachine:${machine.Properties.StateMachineName}`,
    );
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [finalize, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 21_600, MaximumRetryAttempts: 8 },
      }),
    ]);
  });

  it('lets only EventBridge, from this rule, invoke finalize that way', () => {
    const [rule] = resourcesOfType(template, 'AWS::Events::Rule');
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      (permission) => permission.Properties.Principal === 'events.amazonaws.com',
    );

    expect(permissions).toHaveLength(1);
    expect(permissions[0].Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': [functionNamed(template, 'Finalize').logicalId, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [rule.logicalId, 'Arn'] },
    });
  });

  it('keeps what finalize could not take in an encrypted, TLS-only queue, and alarms on it', () => {
    const [queue] = resourcesOfType(template, 'AWS::SQS::Queue');
    const [policy] = resourcesOfType(template, 'AWS::SQS::QueuePolicy');
    const [invokeConfig] = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');

    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(invokeConfig.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue.logicalId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
    });
  });
});
