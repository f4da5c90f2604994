import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDefinition } from '../../lib/workflow/definition.ts';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS, functionNamed, resourcesOfType } from './support.ts';

interface State {
  Type: string;
  Resource?: string;
}

/** One of this deployment's functions, or the EventBridge integration. */
const TASK_RESOURCE = new RegExp(
  '^arn:aws:(lambda:us-east-1:123456789012:function:Retriever\\w+Function[0-9A-F]{8}' +
    '|states:::events:putEvents)$',
);

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

/** The definition, each CloudFormation reference written as `<LogicalId>` or `<LogicalId.Attr>`. */
function definitionText(source: Template): string {
  const [machine] = resourcesOfType(source, 'AWS::StepFunctions::StateMachine');
  const [separator, parts] = machine.Properties.DefinitionString['Fn::Join'] as [string, unknown[]];

  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return ref.Ref ? `<${ref.Ref}>` : `<${ref['Fn::GetAtt']?.join('.')}>`;
    })
    .join(separator);
}

describe('run state machine', () => {
  it('is a standard state machine with tracing and every transition logged', () => {
    const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const [logGroup] = resourcesOfType(template, 'AWS::Logs::LogGroup').filter((group) =>
      group.logicalId.includes('Workflow'),
    );

    expect(machine.Properties.StateMachineType).toBeUndefined();
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toEqual({
      Level: 'ALL',
      IncludeExecutionData: false,
      Destinations: [
        { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroup.logicalId, 'Arn'] } } },
      ],
    });
  });

  it("fills the definition with this deployment's functions, bus and run time limit", () => {
    const definition = JSON.parse(definitionText(template));
    const arnOf = (name: string) => `<${functionNamed(template, name).logicalId}.Arn>`;

    expect(definition.TimeoutSeconds).toBe(1800);
    expect(definition.States.Prepare.Resource).toBe(arnOf('Prepare'));
    expect(definition.States.BrowserStep.Resource).toBe(arnOf('BrowserStep'));
    expect(definition.States.Finalize.Resource).toBe(arnOf('Finalize'));
    expect(definition.States.Webhook.Resource).toBe(arnOf('Webhook'));
    expect(definition.States.Publish.Parameters.Entries[0].EventBusName).toBe('default');
  });

  it('publishes to a bus of its own when asked to, and may put events only there', () => {
    const own = buildStack({ eventBus: 'create' }).template;
    const [bus] = resourcesOfType(own, 'AWS::Events::EventBus');
    const definition = JSON.parse(definitionText(own));
    const finalize = functionNamed(own, 'Finalize').Properties.Environment.Variables;

    expect(definition.States.Publish.Parameters.Entries[0].EventBusName).toBe(`<${bus.logicalId}>`);
    expect(finalize.EVENT_BUS_NAME).toEqual({ Ref: bus.logicalId });
    own.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'events:PutEvents',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [bus.logicalId, 'Arn'] },
          },
        ]),
      },
    });
  });

  it("deploys lib/workflow's definition, filled with this deployment's functions and bus", () => {
    const real = buildStack({}, { definition: buildDefinition }).template;
    const arnOf = (name: string) => `<${functionNamed(real, name).logicalId}.Arn>`;
    const expected = buildDefinition({
      prepareArn: arnOf('Prepare'),
      browserStepArn: arnOf('BrowserStep'),
      finalizeArn: arnOf('Finalize'),
      webhookArn: arnOf('Webhook'),
      eventBusName: 'default',
      timeoutSeconds: 1800,
    });

    expect(JSON.parse(definitionText(real))).toEqual(expected);
  });

  it('deploys a document that is valid Amazon States Language once its references resolve', () => {
    const real = buildStack({}, { definition: buildDefinition }).template;
    const resolved = definitionText(real).replace(
      /<([A-Za-z0-9]+)\.Arn>/g,
      'arn:aws:lambda:us-east-1:123456789012:function:$1',
    );
    const tasks = Object.values(JSON.parse(resolved).States as Record<string, State>).filter(
      (state) => state.Type === 'Task',
    );

    expect(() => new StateMachine(JSON.parse(resolved))).not.toThrow();
    for (const task of tasks) {
      expect(task.Resource).toMatch(TASK_RESOURCE);
    }
  });

  it('hands the run time limit to the definition', () => {
    const quick = buildStack({ runTimeout: Duration.minutes(5) }).template;

    expect(JSON.parse(definitionText(quick)).TimeoutSeconds).toBe(300);
  });
});
