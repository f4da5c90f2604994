import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaRestApi,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The stage; the API's paths (/v1/...) come after it. */
export const STAGE_NAME = 'prod';

// Errors API Gateway answers itself (throttling, oversized bodies, an unreachable function) get
// the contract's `{"detail": "..."}` shape, like the errors the function answers.
const DETAIL_TEMPLATE = { 'application/json': '{"detail": $context.error.messageString}' };

export interface ServiceApiProps {
  readonly handler: IFunction;
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly cloudWatchRole: boolean;
  readonly webAclArn?: string;
  readonly logRetentionDays: number;
  readonly destroyLogs: boolean;
}

/** The public REST API: every route goes to the api function, which authenticates and routes. */
export class ServiceApi extends Construct {
  readonly api: LambdaRestApi;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays,
      removalPolicy: props.destroyLogs ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    this.api = new LambdaRestApi(this, 'Api', {
      handler: props.handler,
      proxy: true,
      description: 'Retriever: download files from websites with a browser agent',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: props.cloudWatchRole,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        // Data tracing would log request bodies and headers, API keys included.
        dataTraceEnabled: false,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });
    for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
      this.api.addGatewayResponse(type.responseType, { type, templates: DETAIL_TEMPLATE });
    }
    if (props.webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
  }
}
