import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler, toApiRequest } from '../../functions/api/handler.ts';
import { DynamoKeyStore } from '../../lib/runs/key-store.ts';
import { startTestEnvironment } from '../support/embedded.ts';

function event(overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    resource: '/{proxy+}',
    path: '/v1/runs',
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

describe('toApiRequest', () => {
  it('lower-cases header names and keeps the API Gateway request id', () => {
    const request = toApiRequest(
      event({ headers: { 'X-Api-Key': 'k', 'Content-Type': 'application/json' } }),
    );

    expect(request.headers).toEqual({ 'x-api-key': 'k', 'content-type': 'application/json' });
    expect(request.requestId).toBe('req-1');
  });

  it('decodes a base64 body and tolerates absent headers and query', () => {
    const request = toApiRequest(
      event({
        body: Buffer.from('{"a":1}').toString('base64'),
        isBase64Encoded: true,
        headers: null as never,
      }),
    );

    expect(request.body).toBe('{"a":1}');
    expect(request.headers).toEqual({});
    expect(request.query).toEqual({});
  });
});

describe('handler', () => {
  it('serves a deployment from its configuration, with keys from KEYS_TABLE', async () => {
    const env = await startTestEnvironment();
    const { key } = await new DynamoKeyStore(env.clients.dynamodb, env.config.KEYS_TABLE).create(
      'acme',
    );
    // The deployed handler reads its configuration from the environment, as in Lambda.
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: env.config.DYNAMODB_ENDPOINT,
      S3_ENDPOINT: env.config.S3_ENDPOINT,
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:retriever',
      LOG_LEVEL: 'SILENT',
    });
    try {
      const listed = await handler(event({ headers: { 'x-api-key': key } }));
      const refused = await handler(event({ headers: { 'x-api-key': 'rtv_nope' } }));

      expect(listed.statusCode).toBe(200);
      expect(JSON.parse(listed.body)).toEqual({ runs: [], next_cursor: null });
      expect(refused.statusCode).toBe(403);
    } finally {
      await env.close();
    }
  });
});
