import path from 'node:path';
import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

// Some bundled CommonJS dependencies call require() for Node built-ins; ESM bundles lack it.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module';" +
  'const require = __createRequire(import.meta.url);';

export interface ServiceFunctionProps {
  /** The TypeScript entry file; it exports `handler`. */
  readonly entry: string;
  /** Folder with package-lock.json and node_modules. */
  readonly projectRoot: string;
  readonly memoryMiB: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetentionDays: number;
  readonly destroyLogs: boolean;
  /**
   * Set for the browser step: a CommonJS bundle, x86-64 (the only Chromium build), with
   * playwright-core taken from the layer instead of the bundle.
   * @default a plain ESM function on arm64
   */
  readonly browser?: { readonly layer: ILayerVersion; readonly ephemeralStorageMiB: number };
  /** @default no reservation */
  readonly reservedConcurrency?: number;
}

/** One of the service's Lambda functions: bundled locally with esbuild, traced, logging JSON. */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetentionDays,
      removalPolicy: props.destroyLogs ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    const browser = props.browser;

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: browser ? Architecture.X86_64 : Architecture.ARM_64,
      memorySize: props.memoryMiB,
      timeout: props.timeout,
      ephemeralStorageSize: browser ? Size.mebibytes(browser.ephemeralStorageMiB) : undefined,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      layers: browser ? [browser.layer] : undefined,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: Tracing.ACTIVE,
      logGroup,
      bundling: {
        format: browser ? OutputFormat.CJS : OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // The SDK is bundled so the deployed versions are the ones the tests ran; playwright-core
        // reads its own package files at run time, so the layer provides it.
        externalModules: browser ? ['playwright-core'] : [],
        banner: browser ? undefined : ESM_REQUIRE_BANNER,
      },
    });
  }
}
