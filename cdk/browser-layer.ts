import fs from 'node:fs';
import path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Where the layer puts the Chromium archives; the browser step passes it to executablePath(). */
export const CHROMIUM_BIN_DIR = '/opt/chromium-bin';

export interface BrowserLayerProps {
  /**
   * Folder holding node_modules with playwright-core and @sparticuz/chromium.
   * @default this project's root
   */
  readonly projectRoot: string;
}

/**
 * A Lambda layer with playwright-core (which cannot be bundled: it reads its own package files at
 * run time) and the compressed Chromium archives of @sparticuz/chromium. It is assembled by copying
 * the installed packages, so synth needs neither Docker nor a package install, and its hash comes
 * from the two versions, so an unchanged layer is never uploaded again.
 */
export class BrowserLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: BrowserLayerProps) {
    super(scope, id);
    const playwright = packageDir(props.projectRoot, 'playwright-core');
    const chromium = packageDir(props.projectRoot, '@sparticuz/chromium');
    const chromiumBin = path.join(chromium.dir, 'bin');

    const code = Code.fromAsset(playwright.dir, {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: `playwright-core@${playwright.version}+chromium@${chromium.version}`,
      bundling: {
        // Never pulled: the local bundler below always succeeds.
        image: DockerImage.fromRegistry('retriever-local-bundling-only'),
        local: {
          tryBundle(outputDir) {
            const modules = path.join(outputDir, 'nodejs', 'node_modules', 'playwright-core');
            fs.cpSync(playwright.dir, modules, { recursive: true });
            // All four archives, al2023.tar.br included: it holds the libraries Lambda lacks.
            fs.cpSync(chromiumBin, path.join(outputDir, 'chromium-bin'), { recursive: true });

            return true;
          },
        },
      },
    });

    this.layer = new LayerVersion(this, 'Layer', {
      code,
      description: `playwright-core ${playwright.version}, @sparticuz/chromium ${chromium.version}`,
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      // The Chromium build in @sparticuz/chromium is x86-64 only.
      compatibleArchitectures: [Architecture.X86_64],
    });
  }
}

function packageDir(projectRoot: string, name: string): { dir: string; version: string } {
  // Read from node_modules directly: @sparticuz/chromium does not export its package.json.
  const dir = path.join(projectRoot, 'node_modules', name);
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) {
    throw new Error(`${name} is not installed in ${projectRoot}; run npm ci there first.`);
  }
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };

  return { dir, version };
}
