import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { Retriever, type RetrieverConstructProps } from './retriever.ts';

export interface RetrieverStackProps extends StackProps {
  readonly service: RetrieverConstructProps;
  /**
   * An address that receives the alarms by e-mail (it must confirm the subscription).
   * @default alarms show in the console only
   */
  readonly alarmEmail?: string;
}

/** A deployment of the service, with what its operators need as outputs. */
export class RetrieverStack extends Stack {
  readonly service: Retriever;

  constructor(scope: Construct, id: string, props: RetrieverStackProps) {
    super(scope, id, props);
    const alarmActions = [...(props.service.alarmActions ?? [])];
    if (props.alarmEmail) {
      const topic = new Topic(this, 'Alarms', {
        displayName: 'Retriever alarms',
        enforceSSL: true,
      });
      topic.addSubscription(new EmailSubscription(props.alarmEmail));
      alarmActions.push(new SnsAction(topic));
    }
    this.service = new Retriever(this, 'Retriever', { ...props.service, alarmActions });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API; requests go to <ApiUrl>v1/...',
      value: this.service.api.url,
    });
    new CfnOutput(this, 'KeysTableName', {
      description: 'KEYS_TABLE for the key tool',
      value: this.service.storage.keys.tableName,
    });
    new CfnOutput(this, 'ArtifactsBucketName', {
      value: this.service.storage.artifacts.bucketName,
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.service.stateMachine.stateMachineArn });
    new CfnOutput(this, 'WebhookSecretArn', {
      description: 'The key receivers verify webhook signatures with',
      value: this.service.webhookSecret.secretArn,
    });
  }
}
