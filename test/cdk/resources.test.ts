import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS, resourcesOfType } from './support.ts';

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

describe('the stack as a whole', () => {
  it('holds exactly the resources the tests of this folder cover', () => {
    const counts: Record<string, number> = {};
    for (const resource of Object.values(template.toJSON().Resources) as { Type: string }[]) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }

    // A new kind of resource must come with its own assertions, then be added here.
    expect(counts).toEqual({
      'AWS::DynamoDB::Table': 4, // storage.test.ts
      'AWS::S3::Bucket': 2, // storage.test.ts
      'AWS::S3::BucketPolicy': 2, // storage.test.ts
      'AWS::Lambda::Function': 5, // functions.test.ts
      'AWS::Lambda::LayerVersion': 1, // functions.test.ts
      'AWS::Lambda::Permission': 5, // api.test.ts, abandoned-runs.test.ts
      'AWS::Lambda::EventInvokeConfig': 1, // abandoned-runs.test.ts
      'AWS::Events::Rule': 1, // abandoned-runs.test.ts
      'AWS::SQS::Queue': 1, // abandoned-runs.test.ts
      'AWS::SQS::QueuePolicy': 1, // abandoned-runs.test.ts
      'AWS::IAM::Role': 7, // below
      'AWS::IAM::Policy': 6, // iam.test.ts
      'AWS::Logs::LogGroup': 7, // below
      'AWS::SecretsManager::Secret': 1, // below
      'AWS::StepFunctions::StateMachine': 1, // state-machine.test.ts
      'AWS::ApiGateway::RestApi': 1, // below
      'AWS::ApiGateway::Account': 1, // below
      'AWS::ApiGateway::Deployment': 1, // below
      'AWS::ApiGateway::Stage': 1, // api.test.ts
      'AWS::ApiGateway::Resource': 1, // api.test.ts
      'AWS::ApiGateway::Method': 2, // api.test.ts
      'AWS::ApiGateway::GatewayResponse': 2, // api.test.ts
      'AWS::CloudWatch::Alarm': 16, // api.test.ts, abandoned-runs.test.ts
    });
  });

  it('lets each role be assumed only by the service that runs it', () => {
    const principals = resourcesOfType(template, 'AWS::IAM::Role')
      .map((role) => role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service)
      .sort();

    expect(principals).toEqual([
      'apigateway.amazonaws.com',
      ...Array(5).fill('lambda.amazonaws.com'),
      'states.amazonaws.com',
    ]);
  });

  it('keeps every log group for 30 days, and after the stack is gone', () => {
    for (const group of resourcesOfType(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(30);
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });

  it('generates the webhook key as 48 letters and digits, a valid base64 key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('serves a regional REST API whose account may write execution logs', () => {
    const [api] = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
    const [account] = resourcesOfType(template, 'AWS::ApiGateway::Account');
    const [deployment] = resourcesOfType(template, 'AWS::ApiGateway::Deployment');

    expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(account.Properties.CloudWatchRoleArn['Fn::GetAtt'][1]).toBe('Arn');
    expect(deployment.Properties.RestApiId).toEqual({ Ref: api.logicalId });
    expect(buildStack({ apiCloudWatchRole: false }).template.toJSON().Resources).not.toHaveProperty(
      account.logicalId,
    );
  });
});
