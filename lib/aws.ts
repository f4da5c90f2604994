import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config.ts';

/** The embedded S3 stand-in accepts only this key pair. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface AwsClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
}

/**
 * AWS clients for a config: the real services, or the embedded stand-ins when endpoints are set.
 * Request checksums stay off for the stand-in, which stores aws-chunked framing as file bytes.
 */
export function createAwsClients(config: Config): AwsClients {
  const region = config.AWS_REGION;
  const dynamodb = config.DYNAMODB_ENDPOINT
    ? new DynamoDBClient({
        region,
        endpoint: config.DYNAMODB_ENDPOINT,
        credentials: LOCAL_CREDENTIALS,
      })
    : new DynamoDBClient({ region });
  const s3 = config.S3_ENDPOINT
    ? new S3Client({
        region,
        endpoint: config.S3_ENDPOINT,
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      })
    : new S3Client({ region });

  return { dynamodb, s3 };
}

/**
 * The document client every store uses. `DynamoDBDocumentClient.from` writes its options into the
 * shared client's configuration, so stores on one client must agree on them or the last one
 * created decides for all. Records hold plain JSON only; a map with a key named `constructor`
 * (a caller's header name) looks like a class instance to the marshaller, which then refuses it.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
