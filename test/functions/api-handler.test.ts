import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toApiRequest } from '../../functions/api/handler.ts';

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
