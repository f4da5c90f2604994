import { Duration } from 'aws-cdk-lib';
import { buildDefinition } from '../../lib/workflow/definition.ts';
import { buildStack, resourcesOfType } from '../cdk/support.ts';

type Part = string | { Ref?: string; 'Fn::GetAtt'?: string[] };

/** A deployed ARN or name for a CloudFormation reference, as the local runner needs none. */
function resolve(part: Part): string {
  if (typeof part === 'string') return part;
  if (part.Ref) return part.Ref;
  const [logicalId] = part['Fn::GetAtt'] ?? ['Unknown'];

  return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
}

/**
 * The state machine definition exactly as the CDK stack deploys it: synthesized without bundling,
 * taken from the template's DefinitionString, with its references filled in.
 */
export function synthesizedDefinition(runTimeoutS = 1800): Record<string, unknown> {
  const { template } = buildStack(
    { runTimeout: Duration.seconds(runTimeoutS) },
    { definition: buildDefinition },
  );
  const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  const source = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, Part[]] };
  const text =
    typeof source === 'string'
      ? source
      : source['Fn::Join'][1].map(resolve).join(source['Fn::Join'][0]);

  return JSON.parse(text);
}
