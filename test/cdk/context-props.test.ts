import { describe, expect, it } from 'vitest';
import { parseContext, propsFromContext } from '../../cdk/context-props.ts';

describe('deployment settings from the CDK context', () => {
  it('reads JSON text from the command line and turns seconds and days into durations', () => {
    const context = parseContext(
      '{"runTimeoutSeconds": 600, "artifactRetentionDays": 7, "maxConcurrentBrowsers": 3}',
    );
    const props = propsFromContext(context);

    expect(context.stackName).toBe('Retriever');
    expect(props.runTimeout?.toSeconds()).toBe(600);
    expect(props.artifactRetention?.toDays()).toBe(7);
    expect(props.maxConcurrentBrowsers).toBe(3);
    expect(props).not.toHaveProperty('stackName');
    expect(props).not.toHaveProperty('runTimeoutSeconds');
  });

  it('takes an object from cdk.json and leaves unset settings to the defaults', () => {
    const props = propsFromContext(parseContext({ eventBus: 'create' }));

    expect(props.eventBus).toBe('create');
    expect(props.runTimeout).toBeUndefined();
    expect(props.model).toBeUndefined();
  });

  it('picks the model planner from bedrockModelId or openai', () => {
    const bedrock = propsFromContext(parseContext({ bedrockModelId: 'amazon.nova-pro-v1:0' }));
    const openai = propsFromContext(
      parseContext({
        openai: {
          baseUrl: 'https://api.openai.com/v1',
          modelId: 'gpt-5',
          apiKeySecretName: 'retriever/openai',
        },
      }),
    );

    expect(bedrock.model).toEqual({ provider: 'bedrock', modelId: 'amazon.nova-pro-v1:0' });
    expect(openai.model).toEqual({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      modelId: 'gpt-5',
      apiKeySecret: 'retriever/openai',
    });
  });

  it('refuses a misspelled or mistyped setting, naming it', () => {
    expect(() => parseContext({ maxConcurentBrowsers: 3 })).toThrow(
      /Invalid "retriever" context: .*maxConcurentBrowsers/,
    );
    expect(() => parseContext({ runTimeoutSeconds: '600' })).toThrow(
      /Invalid "retriever" context: runTimeoutSeconds: /,
    );
  });
});
