import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS, functionNamed, resourcesOfType } from './support.ts';

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

describe('REST API', () => {
  it('sends every path and method to the api function through a proxy integration', () => {
    const apiFunction = functionNamed(template, 'Api').logicalId;
    const methods = resourcesOfType(template, 'AWS::ApiGateway::Method');

    expect(methods).toHaveLength(2);
    for (const method of methods) {
      expect(method.Properties.HttpMethod).toBe('ANY');
      expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain(apiFunction);
    }
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  it('throttles the stage and logs access as JSON without caller identities', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({
          DataTraceEnabled: false,
          LoggingLevel: 'ERROR',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        }),
      ],
      AccessLogSetting: Match.objectLike({ Format: Match.stringLikeRegexp('"status"') }),
    });
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');
    expect(stage.Properties.AccessLogSetting.Format).not.toContain('caller');
  });

  it("answers API Gateway's own errors in the contract's detail shape", () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': '{"detail": $context.error.messageString}' },
      });
    }
  });

  it('lets API Gateway invoke only the api function', () => {
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      (permission) => permission.Properties.Principal === 'apigateway.amazonaws.com',
    );
    const apiFunction = functionNamed(template, 'Api').logicalId;

    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(permission.Properties.FunctionName).toEqual({
        'Fn::GetAtt': [apiFunction, 'Arn'],
      });
    }
  });

  it('attaches a web ACL when one is given', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/retriever/abc';
    const guarded = buildStack({ webAclArn: arn }).template;

    guarded.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it('outputs the URL of the API stage', () => {
    const output = template.findOutputs('ApiUrl').ApiUrl;
    const [api] = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
    const [stage] = resourcesOfType(template, 'AWS::ApiGateway::Stage');

    expect(output.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: api.logicalId },
          '.execute-api.us-east-1.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: stage.logicalId },
          '/',
        ],
      ],
    });
  });
});

describe('alarms', () => {
  it('alarms on failed, timed-out and throttled executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on throttles and errors of each function', () => {
    for (const metric of ['Throttles', 'Errors']) {
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
        (alarm) =>
          alarm.Properties.Namespace === 'AWS/Lambda' && alarm.Properties.MetricName === metric,
      );
      const watched = alarms.map((alarm) => alarm.Properties.Dimensions[0].Value.Ref).sort();
      const functions = resourcesOfType(template, 'AWS::Lambda::Function')
        .map((fn) => fn.logicalId)
        .sort();

      expect(watched).toEqual(functions);
    }
  });

  it('alarms on any API 5xx and on a high share of 4xx, throttling included', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Sum',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '4XXError',
      Statistic: 'Average',
      Threshold: 0.25,
      EvaluationPeriods: 3,
    });
  });

  it('notifies the given actions', () => {
    const withTopic = buildStack({}, { stackProps: { alarmEmail: 'ops@example.com' } }).template;

    withTopic.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    for (const alarm of resourcesOfType(withTopic, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });
});
