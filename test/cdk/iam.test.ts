import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAR_ONLY_ACTIONS } from '../../cdk/nag-suppressions.ts';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS, functionNamed, resourcesOfType } from './support.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

/** The statements of the inline policies attached to a role. */
function statementsOf(source: Template, roleLogicalId: string): Statement[] {
  return resourcesOfType(source, 'AWS::IAM::Policy')
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function roleOf(source: Template, functionName: string): string {
  return functionNamed(source, functionName).Properties.Role['Fn::GetAtt'][0];
}

/** Every action a role may take on resources whose reference mentions the given logical id. */
function actionsOn(source: Template, role: string, target: string): string[] {
  return statementsOf(source, role)
    .filter((statement) => JSON.stringify(statement.Resource).includes(target))
    .flatMap((statement) => [statement.Action].flat())
    .sort();
}

function logicalIdOf(source: Template, type: string, partitionKey?: string): string {
  const resources = resourcesOfType(source, type);
  const match = partitionKey
    ? resources.find((r) => r.Properties.KeySchema[0].AttributeName === partitionKey)
    : resources.find((r) => r.logicalId.includes('Artifacts'));
  if (!match) throw new Error(`No ${type} ${partitionKey ?? 'Artifacts'}`);

  return match.logicalId;
}

describe('IAM policies', () => {
  it('uses "Resource": "*" only for actions AWS offers no resource-level permission for', () => {
    const policies = resourcesOfType(template, 'AWS::IAM::Policy');
    const starStatements = policies
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((statement) => [statement.Resource].flat().includes('*'));

    expect(starStatements.length).toBeGreaterThan(0);
    for (const statement of starStatements) {
      for (const action of [statement.Action].flat()) expect(STAR_ONLY_ACTIONS).toContain(action);
    }
  });

  it('lets only the api read keys, and only the api and the browser step touch codes', () => {
    const keys = logicalIdOf(template, 'AWS::DynamoDB::Table', 'key_hash');
    const codes = logicalIdOf(template, 'AWS::DynamoDB::Table', 'totp_identifier');

    expect(actionsOn(template, roleOf(template, 'Api'), keys)).not.toContain('dynamodb:PutItem');
    expect(actionsOn(template, roleOf(template, 'Api'), keys)).toContain('dynamodb:GetItem');
    expect(actionsOn(template, roleOf(template, 'Api'), codes)).toContain('dynamodb:PutItem');
    expect(actionsOn(template, roleOf(template, 'BrowserStep'), codes)).toContain(
      'dynamodb:UpdateItem',
    );
    for (const name of ['Prepare', 'BrowserStep', 'Finalize', 'Webhook']) {
      expect(actionsOn(template, roleOf(template, name), keys)).toEqual([]);
    }
    for (const name of ['Prepare', 'Finalize', 'Webhook']) {
      expect(actionsOn(template, roleOf(template, name), codes)).toEqual([]);
    }
  });

  it('lets the api and finalize change sessions, prepare only read them, and no other touch them', () => {
    const sessions = logicalIdOf(template, 'AWS::DynamoDB::Table', 'browser_session_id');

    for (const name of ['Api', 'Finalize']) {
      expect(actionsOn(template, roleOf(template, name), sessions)).toContain(
        'dynamodb:UpdateItem',
      );
    }
    expect(actionsOn(template, roleOf(template, 'Prepare'), sessions)).toContain(
      'dynamodb:GetItem',
    );
    expect(actionsOn(template, roleOf(template, 'Prepare'), sessions)).not.toContain(
      'dynamodb:UpdateItem',
    );
    for (const name of ['BrowserStep', 'Webhook']) {
      expect(actionsOn(template, roleOf(template, name), sessions)).toEqual([]);
    }
  });

  it('lets every function read and write runs', () => {
    const runs = logicalIdOf(template, 'AWS::DynamoDB::Table', 'run_id');

    for (const name of ['Api', 'Prepare', 'BrowserStep', 'Finalize', 'Webhook']) {
      expect(actionsOn(template, roleOf(template, name), runs)).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
      );
    }
  });

  it('lets only the api delete files, and finalize and webhook only read them', () => {
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket');

    expect(actionsOn(template, roleOf(template, 'Api'), bucket)).toContain('s3:DeleteObject*');
    for (const name of ['Prepare', 'BrowserStep']) {
      const actions = actionsOn(template, roleOf(template, name), bucket);
      expect(actions).toContain('s3:PutObject');
      expect(actions).not.toContain('s3:DeleteObject*');
    }
    for (const name of ['Finalize', 'Webhook']) {
      const actions = actionsOn(template, roleOf(template, name), bucket);
      expect(actions).toContain('s3:GetObject*');
      expect(actions.filter((action) => !/^s3:(Get|List)/.test(action))).toEqual([]);
    }
  });

  it('lets only the api and finalize start executions and look them up, by name', () => {
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const name = machine.Properties.StateMachineName;
    const executionActions = (role: string) =>
      statementsOf(template, role)
        .filter((statement) => JSON.stringify(statement.Resource).includes(`:${name}`))
        .map((statement) => [statement.Action, JSON.stringify(statement.Resource)]);

    for (const fn of ['Api', 'Finalize']) {
      expect(executionActions(roleOf(template, fn))).toEqual([
        ['states:StartExecution', expect.stringContaining(`:stateMachine:${name}"`)],
        ['states:DescribeExecution', expect.stringContaining(`:execution:${name}:*"`)],
      ]);
    }
    for (const fn of ['Prepare', 'BrowserStep', 'Webhook']) {
      expect(executionActions(roleOf(template, fn))).toEqual([]);
    }
  });

  it('lets no function read the webhook key: it is resolved at deploy time', () => {
    const [secret] = resourcesOfType(template, 'AWS::SecretsManager::Secret');

    for (const name of ['Api', 'Prepare', 'BrowserStep', 'Finalize', 'Webhook']) {
      expect(actionsOn(template, roleOf(template, name), secret.logicalId)).toEqual([]);
    }
  });

  it('lets the state machine invoke exactly its four functions, unqualified', () => {
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const role = machine.Properties.RoleArn['Fn::GetAtt'][0];
    const invoke = statementsOf(template, role).filter(
      (statement) => statement.Action === 'lambda:InvokeFunction',
    );
    const expected = ['Prepare', 'BrowserStep', 'Finalize', 'Webhook'].map((name) => ({
      'Fn::GetAtt': [functionNamed(template, name).logicalId, 'Arn'],
    }));

    expect(invoke).toHaveLength(1);
    expect(invoke[0].Resource).toEqual(expected);
  });

  it('lets the state machine put events on the configured bus only', () => {
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const role = machine.Properties.RoleArn['Fn::GetAtt'][0];
    const putEvents = statementsOf(template, role).filter(
      (statement) => statement.Action === 'events:PutEvents',
    );

    expect(putEvents).toHaveLength(1);
    expect(JSON.stringify(putEvents[0].Resource)).toContain(':event-bus/default');
  });

  it('lets the browser step call only the configured Bedrock model', () => {
    const direct = buildStack({ model: { provider: 'bedrock', modelId: 'amazon.nova-pro-v1:0' } });
    const profiled = buildStack({
      model: { provider: 'bedrock', modelId: 'us.anthropic.claude-sonnet-4-v1:0' },
    });
    const bedrockOf = (built: typeof direct) =>
      statementsOf(built.template, roleOf(built.template, 'BrowserStep')).filter((statement) =>
        [statement.Action].flat().includes('bedrock:InvokeModel'),
      );

    expect(bedrockOf(direct).map((statement) => statement.Resource)).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
          ],
        ],
      },
    ]);
    expect(JSON.stringify(bedrockOf(profiled)[0].Resource)).toContain(
      'inference-profile/us.anthropic.claude-sonnet-4-v1:0',
    );
    expect(JSON.stringify(bedrockOf(profiled)[0].Resource)).toContain(
      ':bedrock:*::foundation-model/anthropic.claude-sonnet-4-v1:0',
    );
    expect(bedrockOf({ template } as typeof direct)).toEqual([]);
  });
});
