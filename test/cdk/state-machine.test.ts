import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, functionNamed, resourcesOfType } from './support.ts';

let template: Template;

beforeAll(() => {
  template = buildStack().template;
});

/** The definition with each CloudFormation reference written as `<LogicalId>` or `<LogicalId.Attr>`. */
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

  it('hands the run time limit to the definition', () => {
    const quick = buildStack({ runTimeout: Duration.minutes(5) }).template;

    expect(JSON.parse(definitionText(quick)).TimeoutSeconds).toBe(300);
  });
});
