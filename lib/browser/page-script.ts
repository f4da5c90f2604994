/**
 * Code that runs inside the page. Everything here is serialised into the browser, so each
 * function must be self-contained (no imports, no outer variables).
 */

/** Limits of one frame's observation, so a huge page yields a bounded result. */
export interface ScanLimits {
  maxElements: number;
  maxText: number;
  maxAttr: number;
  maxPageText: number;
  idPrefix: string;
}

export interface ScannedElement {
  id: string;
  tag: string;
  role: string | null;
  text: string;
  name: string;
  href: string | null;
  download: string | null;
  target: string | null;
  type: string | null;
  value: string | null;
  options: string[];
  checked: boolean | null;
  disabled: boolean;
  visible: boolean;
  inShadowRoot: boolean;
  /** Text of the row or card around the element (see scanFrame), '' when there is none. */
  context: string;
  rect: { x: number; y: number; width: number; height: number };
}

export interface FrameScan {
  elements: ScannedElement[];
  text: string;
  total: number;
  printRequested: number;
}

/**
 * Installed before any page script runs: records which elements got click listeners (the
 * observer cannot see listeners otherwise) and turns `window.print()` into a recorded no-op,
 * because a real print dialog blocks the page's scripts.
 */
export function installPageHooks(): void {
  const key = Symbol.for('retriever.hooks');
  const w = window as unknown as Record<symbol, unknown>;
  if (w[key]) return;
  const clickable = new WeakSet<EventTarget>();
  const state = { clickable, prints: 0 };
  w[key] = state;
  const original = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (this: EventTarget, type, listener, options) {
    if (type === 'click' || type === 'mousedown' || type === 'pointerdown') clickable.add(this);
    return original.call(this, type, listener, options);
  };
  const notify = (target: string, html?: string, baseUrl?: string) =>
    (
      window as unknown as Record<string, (t: string, h?: string, b?: string) => void>
    ).__retrieverPrint?.(target, html, baseUrl);
  // a frame prints its own document: it is rendered alone, not the page around it
  const printFrame = (win: Window) => {
    state.prints += 1;
    const html = `<!doctype html>${win.document.documentElement.outerHTML}`;
    notify('frame', html, win.document.baseURI);
  };
  window.print = () => {
    if (window !== window.top) {
      printFrame(window);
      return;
    }
    state.prints += 1;
    notify('self');
  };
  // a frame the page makes and writes into (no address of its own) never runs init scripts
  const patched = new WeakSet<Window>();
  const patchFrame = (win: Window | null) => {
    try {
      if (win && !patched.has(win)) {
        patched.add(win);
        win.print = () => printFrame(win);
      }
    } catch {
      // a cross-origin frame keeps its own print
    }
  };
  const frameWindow = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow');
  const frameDocument = Object.getOwnPropertyDescriptor(
    HTMLIFrameElement.prototype,
    'contentDocument',
  );
  if (frameWindow?.get && frameDocument?.get) {
    const getWindow = frameWindow.get;
    const getDocument = frameDocument.get;
    Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
      ...frameWindow,
      get(this: HTMLIFrameElement) {
        const win = getWindow.call(this) as Window | null;
        patchFrame(win);
        return win;
      },
    });
    Object.defineProperty(HTMLIFrameElement.prototype, 'contentDocument', {
      ...frameDocument,
      get(this: HTMLIFrameElement) {
        const doc = getDocument.call(this) as Document | null;
        patchFrame(doc?.defaultView ?? null);
        return doc;
      },
    });
  }
  // a blank popup that gets a document written into it never runs init scripts of its own
  const open = window.open;
  window.open = function (this: Window, ...args: Parameters<typeof window.open>) {
    const opened = open.apply(this, args);
    try {
      if (opened) {
        opened.print = () => {
          state.prints += 1;
          notify('popup');
        };
      }
    } catch {
      // a cross-origin window keeps its own print
    }
    return opened;
  };
  // names from download attributes, which Chromium ignores on cross-origin links
  const report = (a: Element | null) => {
    const hint = (window as unknown as Record<string, (h: unknown) => void>)
      .__retrieverDownloadHint;
    if (a instanceof HTMLAnchorElement && a.hasAttribute('download') && hint) {
      hint({ href: a.href, download: a.getAttribute('download') ?? '' });
    }
  };
  original.call(
    document,
    'click',
    (event) => report((event.target as Element | null)?.closest?.('a[download]') ?? null),
    true,
  );
  const anchorClick = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    report(this);
    return anchorClick.call(this);
  };
}

/** Scans one frame's document and open shadow roots for interactive elements. */
export function scanFrame(limits: ScanLimits): FrameScan {
  const w = window as unknown as Record<symbol, unknown>;
  const hooks = w[Symbol.for('retriever.hooks')] as
    | { clickable: WeakSet<EventTarget>; prints: number }
    | undefined;
  const registryKey = Symbol.for('retriever.elements');
  const registry = new Map<string, WeakRef<Element>>();
  w[registryKey] = registry;
  const selector =
    'a[href],button,input,select,textarea,summary,[role=button],[role=link],[role=menuitem],' +
    '[role=tab],[role=checkbox],[role=option],[onclick],[contenteditable=true]';
  const cut = (value: string | null | undefined, max: number) => {
    if (value == null) return null;
    const flat = value.replace(/\s+/g, ' ').trim();
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
  };
  const found: Element[] = [];
  const shadowOf = new WeakSet<Element>();
  let total = 0;
  // a page of millions of nodes is looked through only this far for shadow roots and handlers
  let visitsLeft = 50_000;
  const keep = (el: Element, inShadow: boolean) => {
    total += 1;
    if (found.length >= limits.maxElements * 3) return;
    if (inShadow) shadowOf.add(el);
    found.push(el);
  };
  const visit = (root: Document | ShadowRoot, inShadow: boolean) => {
    for (const el of Array.from(root.querySelectorAll(selector))) keep(el, inShadow);
    const all = root.querySelectorAll('*');
    const count = Math.min(all.length, visitsLeft);
    visitsLeft -= count;
    for (let i = 0; i < count; i++) {
      const el = all[i];
      if (el.shadowRoot) visit(el.shadowRoot, true);
      if (hooks?.clickable.has(el) && !el.matches(selector)) keep(el, inShadow);
    }
    if (all.length > count) total += 1;
  };
  visit(document, false);
  const isVisible = (el: Element) => {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && style.opacity !== '0';
  };
  const labelOf = (el: Element) => {
    const aria = el.getAttribute('aria-label');
    if (aria) return aria;
    const labelled = el.getAttribute('aria-labelledby');
    if (labelled) {
      const text = labelled
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ');
      if (text.trim()) return text;
    }
    const labels = (el as HTMLInputElement).labels;
    if (labels && labels.length > 0) return labels[0].textContent ?? '';
    for (const attr of ['title', 'alt', 'placeholder', 'name']) {
      const value = el.getAttribute(attr);
      if (value) return value;
    }
    // biome-ignore lint/performance/useDomNodeTextContent: the planner needs the rendered text
    return (el as HTMLElement).innerText || el.textContent || '';
  };
  const actions = 'a[href],button,[role=button],[role=link]';
  // The row or card the element sits in: the nearest ancestor with text of its own beyond the
  // element's, when it is small and holds few actions (so not the whole list). A table whose
  // links all say "Download" tells its documents apart only there (a date in another cell).
  // text nodes joined with spaces, so that cells do not run together ("inv-12024-01-15")
  const spacedText = (node: Node) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const parts: string[] = [];
    let length = 0;
    for (let t = walker.nextNode(); t && length <= limits.maxAttr; t = walker.nextNode()) {
      const part = (t.nodeValue ?? '').replace(/\s+/g, ' ').trim();
      if (part) parts.push(part);
      length += part.length + 1;
    }
    return parts.join(' ');
  };
  const contextOf = (el: Element) => {
    const own = spacedText(el);
    let node = el.parentElement;
    for (let level = 0; node && node !== document.body && level < 5; level++) {
      const text = spacedText(node);
      if (text.length > own.length) {
        const small = text.length <= limits.maxAttr && node.querySelectorAll(actions).length <= 4;
        return small ? text : '';
      }
      node = node.parentElement;
    }
    return '';
  };
  const withVisibility = found.map((el) => ({ el, visible: isVisible(el) }));
  withVisibility.sort((a, b) => Number(b.visible) - Number(a.visible));
  const chosen = withVisibility.slice(0, limits.maxElements);
  const elements = chosen.map(({ el, visible }, index) => {
    const id = `${limits.idPrefix}e${index}`;
    registry.set(id, new WeakRef(el));
    const rect = el.getBoundingClientRect();
    const input = el as HTMLInputElement;
    const select = el as HTMLSelectElement;
    const tag = el.tagName.toLowerCase();
    return {
      id,
      tag,
      role: el.getAttribute('role'),
      // biome-ignore lint/performance/useDomNodeTextContent: the planner needs the rendered text
      text: cut((el as HTMLElement).innerText ?? el.textContent, limits.maxText) ?? '',
      name: cut(labelOf(el), limits.maxText) ?? '',
      href: cut((el as HTMLAnchorElement).href || el.getAttribute('href'), limits.maxAttr),
      download: el.hasAttribute('download') ? (el.getAttribute('download') ?? '') : null,
      target: el.getAttribute('target'),
      type: el.getAttribute('type'),
      value:
        tag === 'input' || tag === 'select' || tag === 'textarea' ? cut(input.value, 200) : null,
      options:
        tag === 'select'
          ? Array.from(select.options)
              .slice(0, 50)
              .map((o) => cut(o.label, 80) ?? '')
          : [],
      checked: input.type === 'checkbox' || input.type === 'radio' ? input.checked : null,
      disabled: (el as HTMLButtonElement).disabled === true || el.ariaDisabled === 'true',
      visible,
      inShadowRoot: shadowOf.has(el),
      context: contextOf(el),
      rect: {
        x: Math.round(rect.x),
        y: Math.round(rect.y),
        width: Math.round(rect.width),
        height: Math.round(rect.height),
      },
    };
  });
  // biome-ignore lint/performance/useDomNodeTextContent: the planner needs the rendered text
  const text = cut(document.body?.innerText ?? '', limits.maxPageText) ?? '';

  return { elements, text, total, printRequested: hooks?.prints ?? 0 };
}

/** Looks up an element of the latest scan by id. */
export function findScanned(id: string): Element | null {
  const registry = (window as unknown as Record<symbol, Map<string, WeakRef<Element>>>)[
    Symbol.for('retriever.elements')
  ];
  return registry?.get(id)?.deref() ?? null;
}

/**
 * The delay in seconds of the document's `<meta http-equiv="refresh">`, or null when it has
 * none: an interstitial that sets a cookie and then refreshes to the file uses it.
 */
export function metaRefreshDelay(): number | null {
  const meta = document.querySelector('meta[http-equiv="refresh" i]');
  const match = /^\s*(\d+(?:\.\d+)?)/.exec(meta?.getAttribute('content') ?? '');

  return match ? Number(match[1]) : null;
}

/** Sandbox attributes of this frame's iframes, in document order. */
export function iframeSandboxes(): { src: string; sandbox: string | null }[] {
  return Array.from(document.querySelectorAll('iframe'))
    .slice(0, 50)
    .map((f) => ({ src: f.src.slice(0, 500), sandbox: f.getAttribute('sandbox') }));
}

/**
 * Whether the document has loaded and can run no script of its own: no script element, no
 * inline handler, no `javascript:` link, no frame or plugin, no refresh. Such a page does nothing
 * after its load event, so once it has loaded there is nothing to wait for.
 */
export function isScriptFree(): boolean {
  if (document.readyState !== 'complete') return false;
  const active = [
    'script, iframe, frame, object, embed, meta[http-equiv="refresh" i]',
    '[href^="javascript:" i], [action^="javascript:" i], [formaction^="javascript:" i]',
  ];
  if (document.querySelector(active.join(', '))) return false;
  const handlers = document.evaluate(
    'count(//@*[starts-with(translate(name(), "ON", "on"), "on")])',
    document,
    null,
    XPathResult.NUMBER_TYPE,
    null,
  );

  return handlers.numberValue === 0;
}
