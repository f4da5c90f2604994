import { createHash } from 'node:crypto';
import type { Decision, Planner } from '../../lib/agent/planner.ts';
import type {
  Action,
  ActionResult,
  BrowserSession,
  Observation,
  SessionOptions,
} from '../../lib/browser/types.ts';
import type { StoredFile } from '../../lib/contracts/run.ts';
import { type ArtifactStore, runKeys } from '../../lib/files/artifact-store.ts';

// Interim stand-ins for the browser session and the planner, until the real ones are merged.

const PAGE_URL = 'https://portal.test/invoices';

function observation(): Observation {
  return {
    url: PAGE_URL,
    title: 'Invoices',
    text: 'Invoice May 2024',
    elements: [
      {
        id: 'f0:e1',
        frame: '0',
        tag: 'a',
        role: 'link',
        text: 'Download invoice',
        name: '',
        href: '/invoice.pdf',
        download: '',
        target: null,
        type: null,
        value: null,
        options: [],
        checked: null,
        disabled: false,
        visible: true,
        inShadowRoot: false,
        rect: { x: 0, y: 0, width: 10, height: 10 },
      },
    ],
    frames: [],
    tabs: [],
    dialogs: [],
    truncated: false,
    printRequested: false,
  };
}

function idle(url = PAGE_URL): ActionResult {
  return { ok: true, files: [], pendingDownloads: 0, errors: [], url, abandonedUrls: [] };
}

/** A session on one page whose link stores `invoice.pdf` in the artifacts bucket. */
export function scriptedSessionFactory(artifacts: ArtifactStore) {
  return async (options: SessionOptions): Promise<BrowserSession> => {
    const known = [...options.existingFiles];
    const download = async (): Promise<ActionResult> => {
      const bytes = Buffer.from('%PDF-1.4 invoice May 2024\n%%EOF\n');
      const checksum = createHash('sha256').update(bytes).digest('hex');
      if (known.some((file) => file.checksum === checksum)) {
        const files = [
          {
            stored: null,
            duplicate: true,
            rejected: null,
            suggestedName: 'invoice.pdf',
            sourceUrl: null,
          },
        ];
        return { ...idle(), files };
      }
      const key = runKeys.download(options.runId, 'invoice.pdf');
      const put = await artifacts.putBytes(key, bytes, 'application/pdf');
      const stored: StoredFile = {
        key,
        checksum: put.checksum,
        filename: 'invoice.pdf',
        file_size: put.size,
        modified_at: new Date().toISOString(),
        source_url: `${PAGE_URL}/invoice.pdf`,
      };
      known.push(stored);
      const files = [
        { stored, duplicate: false, rejected: null, suggestedName: 'invoice.pdf', sourceUrl: null },
      ];
      return { ...idle(), files };
    };
    return {
      open: async () => idle(),
      observe: async () => observation(),
      act: async (action: Action) => (action.kind === 'click' ? download() : idle()),
      settle: async () => idle(),
      screenshot: async () => Buffer.from('png'),
      storageState: async () => ({ cookies: [], origins: [] }),
      close: async () => ({ traceKey: null }),
    };
  };
}

/** Waits `waitSteps` steps, clicks the download link, and is done once a file is stored. */
export function scriptedPlanner(options: { waitSteps?: number; impossible?: boolean } = {}) {
  return (): Planner => ({
    name: 'code',
    async decide({ history, files }): Promise<Decision> {
      if (options.impossible) return { kind: 'impossible', reason: 'No invoice for May 2024.' };
      if (files.length > 0) return { kind: 'done', summary: 'Downloaded the May 2024 invoice.' };
      if (history.length < (options.waitSteps ?? 0)) {
        return { kind: 'act', actions: [{ kind: 'wait', ms: 1 }], reason: 'page loading' };
      }
      return {
        kind: 'act',
        actions: [{ kind: 'click', element: 'f0:e1', expectDownload: true }],
        reason: 'the invoice link',
      };
    },
  });
}
