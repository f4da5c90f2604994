import { Aspects, type IAspect, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy, type IRole } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Actions that accept no resource-level permissions, so AWS requires `"Resource": "*"` for them:
 * X-Ray trace writes (functions and the state machine) and the CloudWatch Logs delivery calls that
 * Step Functions logging makes.
 */
export const STAR_ONLY_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

/** Wildcards the grants of this service produce, each with why it is as narrow as it can be. */
const ACCEPTED_WILDCARDS: { finding: RegExp; reason: string }[] = [
  {
    finding: /^Action::s3:(GetObject|GetBucket|List)\*$/,
    reason:
      'Bucket.grantRead on the artifacts bucket only: reading objects to stream and sign ' +
      "downloads, and listing a run's files.",
  },
  {
    finding: /^Action::s3:Abort\*$/,
    reason: 'Bucket.grantPut: aborting its own multipart uploads of large downloads.',
  },
  {
    finding: /^Action::s3:DeleteObject\*$/,
    reason: 'Bucket.grantDelete for the api only: deleting saved browser profiles.',
  },
  {
    finding: /^Resource::<[A-Za-z0-9]*Artifacts[A-Za-z0-9]*\.Arn>\/\*$/,
    reason:
      'Objects of the artifacts bucket: keys carry run and profile ids known only at run time.',
  },
  {
    finding: /^Resource::<[A-Za-z0-9]*Runs[A-Za-z0-9]*\.Arn>\/index\/\*$/,
    reason: "The runs table's indexes (by-owner, queried to list a caller's runs).",
  },
  {
    finding: /^Resource::<[A-Za-z0-9]*Sessions[A-Za-z0-9]*\.Arn>\/index\/\*$/,
    reason: "The sessions table's indexes (by-owner, queried to list a caller's sessions).",
  },
  {
    finding: /^Resource::arn:<AWS::Partition>:states:.+:execution:.+:\*$/,
    reason:
      'Executions of the run state machine only: each is named by its run id, known only when ' +
      'the run is cancelled.',
  },
  {
    finding: /^Resource::arn:<AWS::Partition>:secretsmanager:.+:secret:[^*?]+-\?{6}$/,
    reason:
      'A secret named in the settings: Secrets Manager ends its ARN with six random characters, ' +
      'which the name does not carry.',
  },
  {
    finding: /^Resource::arn:<AWS::Partition>:bedrock:\*::foundation-model\/[^*]+$/,
    reason:
      'One model in every region: a cross-region inference profile routes each call to a ' +
      'region it chooses.',
  },
];

const managedPolicy = (name: string) =>
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;

/** Why each accepted finding is right for this service. */
const REASONS = {
  basicExecution:
    'AWSLambdaBasicExecutionRole grants only CreateLogGroup, CreateLogStream and PutLogEvents, ' +
    'which every function needs to write its logs.',
  runtime:
    'The service is built and tested for Node.js 22 (nodejs22.x); the Chromium archives of ' +
    '@sparticuz/chromium were verified with that runtime.',
  apiKeys:
    'The api function authenticates every request by the hash of its API key (x-api-key or ' +
    'Bearer), as the API contract specifies, and answers 403 in the contract format; /healthz ' +
    'and /openapi.json are public by contract.',
  cognito:
    'Callers are programs holding API keys, not Cognito users; the api function checks the key ' +
    '(see APIG4).',
  validation:
    'The api function validates every body with the contract schemas and answers 422 with a ' +
    'detail list in the contract format, which API Gateway validation cannot produce.',
  waf:
    'A web ACL costs money and depends on the deployment; set webAclArn to attach one. API keys ' +
    'and stage throttling protect the API without it.',
  apiLogging:
    "API Gateway's execution logging needs the account's CloudWatch role; this managed policy " +
    'is the documented one for it.',
  rotation:
    'Webhook receivers verify signatures with this key, and the functions get it at deploy ' +
    'time; an automatic rotation would break verification without notice. Rotate it ' +
    'deliberately: put a new value, deploy, tell the receivers.',
  deadLetters:
    'This queue is itself the dead-letter queue of the abandoned-run events; it is alarmed.',
};

/** Records, with the reason, each AwsSolutions finding the design accepts. */
export function suppressServiceFindings(scope: IConstruct, parts: ServiceParts): void {
  const accepted: [IConstruct[], string, string][] = [
    [parts.functionRoles, managedPolicy('AWSLambdaBasicExecutionRole'), REASONS.basicExecution],
    [parts.functions, 'AwsSolutions-L1', REASONS.runtime],
    [parts.apiMethods, 'AwsSolutions-APIG4', REASONS.apiKeys],
    [parts.apiMethods, 'AwsSolutions-COG4', REASONS.cognito],
    [[parts.api], 'AwsSolutions-APIG2', REASONS.validation],
    [parts.hasWebAcl ? [] : [parts.api], 'AwsSolutions-APIG3', REASONS.waf],
    [
      parts.apiCloudWatchRole ? [parts.apiCloudWatchRole] : [],
      managedPolicy('AmazonAPIGatewayPushToCloudWatchLogs'),
      REASONS.apiLogging,
    ],
    [[parts.webhookSecret], 'AwsSolutions-SMG4', REASONS.rotation],
    [[parts.deadLetters], 'AwsSolutions-SQS3', REASONS.deadLetters],
  ];
  for (const [constructs, id, reason] of accepted) {
    for (const construct of constructs) acknowledge(construct, id, reason);
  }
  Aspects.of(scope).add(new AcknowledgeAcceptedWildcards());
}

export interface ServiceParts {
  readonly functions: IConstruct[];
  readonly functionRoles: IRole[];
  readonly apiMethods: IConstruct[];
  readonly api: IConstruct;
  readonly apiCloudWatchRole?: IConstruct;
  readonly hasWebAcl: boolean;
  readonly webhookSecret: IConstruct;
  readonly deadLetters: IConstruct;
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Runs at synthesis, when every grant is in place: acknowledges the wildcard findings of
 * AwsSolutions-IAM5 that match an accepted kind, and `"Resource": "*"` only on statements whose
 * actions all require it. Any other wildcard stays a finding.
 */
class AcknowledgeAcceptedWildcards implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const document = Stack.of(node).resolve(node.policyDocument) as PolicyJson;
    // One finding can come from several statements; it is accepted only if all of them are.
    const reasons = new Map<string, string | undefined>();
    for (const statement of document.Statement ?? []) {
      for (const finding of wildcardFindings(statement)) {
        const reason = reasonFor(finding, statement);
        reasons.set(finding, reasons.has(finding) && !reasons.get(finding) ? undefined : reason);
      }
    }
    for (const [finding, reason] of reasons) {
      if (reason) acknowledge(node, `AwsSolutions-IAM5[${finding}]`, reason);
    }
  }
}

interface StatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
interface PolicyJson {
  Statement?: StatementJson[];
}

function wildcardFindings(statement: StatementJson): string[] {
  if (statement.Effect !== 'Allow') return [];
  const actions = [statement.Action].flat().filter((action) => action.includes('*'));
  const resources = [statement.Resource]
    .flat()
    .map(flattenCfnReference)
    .filter((resource) => resource.includes('*'));

  return [
    ...actions.map((action) => `Action::${action}`),
    ...resources.map((resource) => `Resource::${resource}`),
  ];
}

function reasonFor(finding: string, statement: StatementJson): string | undefined {
  if (finding === 'Resource::*') {
    const actions = [statement.Action].flat();
    if (actions.every((action) => STAR_ONLY_ACTIONS.has(action))) {
      return `${actions.join(', ')} accept no resource-level permissions; AWS requires "*".`;
    }

    return undefined;
  }

  return ACCEPTED_WILDCARDS.find((accepted) => accepted.finding.test(finding))?.reason;
}
