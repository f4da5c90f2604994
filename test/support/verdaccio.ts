import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PublishedVersion {
  version: string;
  /** The tarball exactly as the registry serves it. */
  tarball: Buffer;
}

export interface Registry {
  url: string;
  packageName: string;
  versions: PublishedVersion[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));

  return port;
}

async function waitForRegistry(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited with ${child.exitCode}`);
    const ok = await fetch(`${url}-/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Verdaccio did not answer on ${url} within ${timeoutMs} ms`);
}

const CONFIG = `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 10
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
web:
  enable: true
  title: Local registry
log: { type: stdout, format: pretty, level: warn }
`;

async function publish(
  registry: string,
  token: string,
  dir: string,
  name: string,
  version: string,
) {
  const packageDir = path.join(dir, `${name}-${version}`);
  fs.mkdirSync(packageDir, { recursive: true });
  fs.writeFileSync(
    path.join(packageDir, 'package.json'),
    JSON.stringify({ name, version, description: `Widgets for Acme, release ${version}` }),
  );
  fs.writeFileSync(path.join(packageDir, 'index.js'), `module.exports = '${version}';\n`);
  const host = new URL(registry).host;
  await run('npm', ['publish', '--registry', registry, `--//${host}/:_authToken=${token}`], {
    cwd: packageDir,
  });
  const response = await fetch(`${registry}${name}/-/${name}-${version}.tgz`);

  return { version, tarball: Buffer.from(await response.arrayBuffer()) };
}

/**
 * Starts Verdaccio (an npm registry with a web UI) on loopback with no uplinks, and publishes one
 * package in two versions through the npm CLI, as a user of the registry would.
 */
export async function startRegistry(packageName = 'acme-widgets'): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  fs.writeFileSync(path.join(dir, 'config.yaml'), CONFIG);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = path.resolve('node_modules/verdaccio/bin/verdaccio');
  const child = spawn(
    process.execPath,
    [bin, '--config', 'config.yaml', '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: 'ignore',
    },
  );
  await waitForRegistry(url, child, 30_000);

  const user = await fetch(`${url}-/user/org.couchdb.user:publisher`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'publisher', password: 'publisher-pass-1' }),
  }).then((response) => response.json() as Promise<{ token: string }>);
  const versions = [];
  for (const version of ['1.0.0', '1.1.0']) {
    versions.push(await publish(url, user.token, dir, packageName, version));
  }

  return {
    url,
    packageName,
    versions,
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
