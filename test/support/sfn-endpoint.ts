import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  action: string;
  body: Record<string, unknown>;
}

/**
 * A Step Functions endpoint on 127.0.0.1 speaking the service's JSON 1.0 protocol for
 * StartExecution and DescribeExecution, keeping executions in memory.
 */
export async function startSfnEndpoint() {
  const calls: RecordedCall[] = [];
  const executions = new Map<string, { status: string; input: string }>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      calls.push({ action, body });
      const [status, answer] = handle(action, body, executions);
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
      if (status >= 400) headers['x-amzn-errortype'] = String(answer.__type);
      response.writeHead(status, headers).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    executions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function handle(
  action: string,
  body: Record<string, unknown>,
  executions: Map<string, { status: string; input: string }>,
): [number, Record<string, unknown>] {
  if (action === 'StartExecution') {
    const arn = `${String(body.stateMachineArn).replace(':stateMachine:', ':execution:')}:${body.name}`;
    if (executions.has(arn)) {
      return [
        400,
        { __type: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${arn}'` },
      ];
    }
    executions.set(arn, { status: 'RUNNING', input: String(body.input) });
    return [200, { executionArn: arn, startDate: Date.now() / 1000 }];
  }
  if (action === 'DescribeExecution') {
    const execution = executions.get(String(body.executionArn));
    if (!execution) {
      return [400, { __type: 'ExecutionDoesNotExist', message: 'Execution Does Not Exist' }];
    }
    return [200, { executionArn: body.executionArn, status: execution.status, startDate: 0 }];
  }

  return [400, { __type: 'UnknownOperationException', message: action }];
}
