import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinitions } from '../../lib/local/embedded.ts';
import { buildStack, FIRST_SYNTH_TIMEOUT_MS, resourcesOfType } from './support.ts';

let template: Template;

beforeAll(() => {
  template = buildStack().template;
}, FIRST_SYNTH_TIMEOUT_MS);

/** The key schema, attributes and indexes of a table, in the shape both definitions share. */
function shape(table: Record<string, unknown>) {
  const sortByName = (items: unknown) =>
    [...((items as { AttributeName: string }[]) ?? [])].sort((a, b) =>
      a.AttributeName.localeCompare(b.AttributeName),
    );
  const indexes = (table.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];

  return {
    KeySchema: table.KeySchema,
    AttributeDefinitions: sortByName(table.AttributeDefinitions),
    GlobalSecondaryIndexes: indexes.map(({ IndexName, KeySchema, Projection }) => ({
      IndexName,
      KeySchema,
      Projection,
    })),
  };
}

describe('tables', () => {
  it('declares each table exactly as the local mode creates it', () => {
    const local = tableDefinitions({ runs: 'r', keys: 'k', codes: 'c', sessions: 's' }).map(
      (table) => shape(table as unknown as Record<string, unknown>),
    );
    const deployed = resourcesOfType(template, 'AWS::DynamoDB::Table').map((table) =>
      shape(table.Properties),
    );

    expect(deployed).toHaveLength(4);
    for (const table of local) expect(deployed).toContainEqual(table);
  });

  it('bills on demand, keeps point-in-time recovery and outlives the stack', () => {
    for (const table of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('expires runs, one-time codes and sessions by expires_at, and never expires keys', () => {
    const ttlOf = (partitionKey: string) =>
      resourcesOfType(template, 'AWS::DynamoDB::Table').find(
        (table) =>
          (table.Properties.KeySchema as { AttributeName: string }[])[0].AttributeName ===
          partitionKey,
      )?.Properties.TimeToLiveSpecification;

    expect(ttlOf('run_id')).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(ttlOf('totp_identifier')).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(ttlOf('browser_session_id')).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(ttlOf('key_hash')).toBeUndefined();
  });
});

describe('artifacts bucket', () => {
  it('is encrypted, private, logged and kept when the stack goes', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }),
      }),
    });
  });

  it("expires a run's files after 30 days, keeps profiles, and cleans abandoned uploads", () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-run-artifacts', Prefix: 'runs/', ExpirationInDays: 30, Status: 'Enabled' },
          {
            Id: 'abort-incomplete-uploads',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
    });
  });

  it('refuses every request that is not over TLS, on both buckets', () => {
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');

    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('keeps access logs private and for 90 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
    });
  });

  it('deletes tables, buckets and their files with the stack when destroyData is set', () => {
    const destroyable = buildStack({ destroyData: true }).template;

    for (const table of resourcesOfType(destroyable, 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy).toBe('Delete');
    }
    destroyable.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  });
});
