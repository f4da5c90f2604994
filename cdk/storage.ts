import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OWNER_INDEX } from '../lib/runs/run-store.ts';

/** The attribute DynamoDB reads to delete expired items (Unix seconds). */
export const TTL_ATTRIBUTE = 'expires_at';
/** Key prefix of everything a run leaves in the bucket; saved profiles live elsewhere. */
export const RUN_ARTIFACTS_PREFIX = 'runs/';

export interface StorageProps {
  /** How long a run's files, screenshots and checkpoint stay. */
  readonly artifactRetention: Duration;
  /** Whether deleting the stack deletes the data too. */
  readonly destroyData: boolean;
}

/** The service's tables and its artifacts bucket, shaped as lib/local/embedded.ts declares them. */
export class Storage extends Construct {
  readonly runs: ITable;
  readonly keys: ITable;
  readonly codes: ITable;
  readonly sessions: ITable;
  readonly artifacts: IBucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const removalPolicy = props.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const runs = this.#table('Runs', { name: 'run_id' }, undefined, removalPolicy);
    runs.addGlobalSecondaryIndex({
      indexName: OWNER_INDEX,
      partitionKey: { name: 'owner', type: AttributeType.STRING },
      sortKey: { name: 'run_id', type: AttributeType.STRING },
    });
    this.runs = runs;
    this.keys = this.#table('Keys', { name: 'key_hash' }, undefined, removalPolicy, false);
    this.codes = this.#table('Codes', { name: 'totp_identifier' }, 'code_id', removalPolicy);
    const sessions = this.#table(
      'Sessions',
      { name: 'browser_session_id' },
      undefined,
      removalPolicy,
    );
    sessions.addGlobalSecondaryIndex({
      indexName: OWNER_INDEX,
      partitionKey: { name: 'owner', type: AttributeType.STRING },
      sortKey: { name: 'browser_session_id', type: AttributeType.STRING },
    });
    this.sessions = sessions;
    this.artifacts = this.#bucket(props);
  }

  #table(
    id: string,
    partitionKey: { name: string },
    sortKey: string | undefined,
    removalPolicy: RemovalPolicy,
    expires = true,
  ): Table {
    return new Table(this, id, {
      partitionKey: { name: partitionKey.name, type: AttributeType.STRING },
      sortKey: sortKey ? { name: sortKey, type: AttributeType.STRING } : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Keys never expire on their own: a key lives until it is revoked.
      timeToLiveAttribute: expires ? TTL_ATTRIBUTE : undefined,
      removalPolicy,
    });
  }

  #bucket(props: StorageProps): Bucket {
    const removalPolicy = props.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects: props.destroyData,
    });

    return new Bucket(this, 'Artifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        {
          id: 'expire-run-artifacts',
          prefix: RUN_ARTIFACTS_PREFIX,
          expiration: props.artifactRetention,
        },
        // Uploads stream in parts; a step that dies mid-upload leaves parts that cost money.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: props.destroyData,
    });
  }
}
