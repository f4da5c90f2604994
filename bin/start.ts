import path from 'node:path';
import { loadConfig } from '../lib/config.ts';
import { startLocalMode } from '../lib/local/local-mode.ts';

const local = await startLocalMode({ config: loadConfig() }).catch((error: Error) => {
  console.error(`The local mode could not start: ${error.message}`);
  process.exit(1);
});
const keyFile = path.join(local.config.DATA_DIR, 'dev-key');

console.log(`
Retriever local mode
  API base URL:    ${local.url}
  API key (dev):   ${local.devKey}
                   (owner "dev"; kept in ${keyFile} and shown again at every start)
  Data:            ${local.config.DATA_DIR}
Press Ctrl-C to stop.
`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`Stopping (${signal})...`);
  await local.stop();
  console.log('Stopped.');
  process.exit(0);
}

process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
