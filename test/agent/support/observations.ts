import type { StepRecord } from '../../../lib/agent/planner.ts';
import type { Observation, PageElement } from '../../../lib/browser/types.ts';
import type { StoredFile } from '../../../lib/contracts/run.ts';

/**
 * Hand-built observations, for planner situations that a local page cannot produce (an HTTPS page
 * with an insecure link, a code source, a download still in flight).
 */
let counter = 0;

export function element(fields: Partial<PageElement> & { text: string }): PageElement {
  counter += 1;

  return {
    id: `f0:e${counter}`,
    frame: 'f0',
    tag: fields.href ? 'a' : 'button',
    role: null,
    name: '',
    href: null,
    download: null,
    target: null,
    type: null,
    value: null,
    options: [],
    checked: null,
    disabled: false,
    visible: true,
    inShadowRoot: false,
    context: '',
    rect: { x: 0, y: counter * 20, width: 100, height: 18 },
    ...fields,
  };
}

export function observation(fields: Partial<Observation> & { url: string }): Observation {
  return {
    title: '',
    text: '',
    elements: [],
    frames: [{ path: 'f0', url: fields.url, sandbox: null }],
    tabs: [],
    dialogs: [],
    truncated: false,
    printRequested: false,
    ...fields,
  };
}

export function storedFile(filename: string, sourceUrl: string | null = null): StoredFile {
  return {
    key: `runs/tsk_test/downloads/${filename}`,
    checksum: 'a'.repeat(64),
    filename,
    file_size: 10,
    modified_at: '2026-12-03T00:00:00.000Z',
    source_url: sourceUrl,
  };
}

/** The step record of a click on an element, as the step loop writes it. */
export function clicked(
  step: number,
  url: string,
  target: PageElement,
  outcome: Partial<StepRecord> = {},
): StepRecord {
  return {
    step,
    url,
    action: { kind: 'click', element: target.id, expectDownload: true },
    elementText: target.text || target.name,
    elementHref: target.href,
    ok: true,
    files: [],
    error: null,
    pendingDownloads: 0,
    ...outcome,
  };
}
