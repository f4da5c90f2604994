import fs from 'node:fs';
import { Readable } from 'node:stream';
import mime from 'mime-types';
import type { CapturedFile } from '../browser/types.ts';
import type { Config } from '../config.ts';
import type { StoredFile } from '../contracts/run.ts';
import { type ArtifactStore, runKeys } from './artifact-store.ts';
import { contentMismatch, HEAD_BYTES } from './content-check.ts';
import { deriveFilename, displayUrl, type NameSources } from './download-name.ts';
import { applyDownloadSuffix, uniqueFilename } from './filename.ts';

export interface RunFilesOptions {
  runId: string;
  artifacts: ArtifactStore;
  /** Records a stored file on the run; false when the run already has the same bytes. */
  recordFile(file: StoredFile): Promise<boolean>;
  config: Pick<Config, 'MAX_FILE_BYTES' | 'MAX_RUN_FILES' | 'MAX_RUN_BYTES'>;
  downloadSuffix: string | null;
  existingFiles: StoredFile[];
  clock?: () => Date;
}

/** A file on local disk, complete, waiting to be named and stored. */
export interface LocalFile {
  path: string;
  sources: Omit<NameSources, 'head'>;
  /** The size the server announced, to detect a truncated transfer. */
  expectedSize: number | null;
}

/** A file still arriving: stored while it grows, then verified once it is complete. */
export interface GrowingFile {
  /** The first bytes (HEAD_BYTES, or fewer when the file is shorter). */
  head: Buffer;
  sources: Omit<NameSources, 'head'>;
  /** The size the server announced, to detect a truncated transfer. */
  expectedSize: number | null;
  open(): Readable;
  /** Resolves once the file is complete: null, or why the stored bytes must be dropped. */
  verify(storedSize: number): Promise<string | null>;
}

async function readHead(filePath: string): Promise<Buffer> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The files of one run: names each file (section 4), refuses what must not be stored, enforces
 * the run's limits, streams the bytes to the artifacts bucket and records them once per checksum.
 */
export class RunFiles {
  readonly #options: RunFilesOptions;
  readonly #taken: Set<string>;
  #count: number;
  #bytes: number;

  constructor(options: RunFilesOptions) {
    this.#options = options;
    this.#taken = new Set(options.existingFiles.map((f) => f.filename));
    this.#count = options.existingFiles.length;
    this.#bytes = options.existingFiles.reduce((sum, f) => sum + f.file_size, 0);
  }

  /** Why a file of `size` bytes cannot be stored under the limits, or null. */
  limitProblem(size: number): string | null {
    const { MAX_FILE_BYTES, MAX_RUN_FILES, MAX_RUN_BYTES } = this.#options.config;
    if (size > MAX_FILE_BYTES) {
      return `the file is ${size} bytes, over the limit of ${MAX_FILE_BYTES} bytes per file`;
    }
    if (this.#count >= MAX_RUN_FILES) {
      return `the run already has ${this.#count} files, the limit per run`;
    }
    if (this.#bytes + size > MAX_RUN_BYTES) {
      return `storing it would take the run over its limit of ${MAX_RUN_BYTES} bytes`;
    }

    return null;
  }

  #sizeProblem(size: number): string | null {
    const { MAX_FILE_BYTES, MAX_RUN_BYTES } = this.#options.config;
    if (size > MAX_FILE_BYTES) {
      return `the file is ${size} bytes, over the limit of ${MAX_FILE_BYTES} bytes per file`;
    }
    if (this.#bytes + size > MAX_RUN_BYTES) {
      return `storing it would take the run over its limit of ${MAX_RUN_BYTES} bytes`;
    }

    return null;
  }

  /** Names, checks and stores a complete local file. */
  async storeLocal(file: LocalFile): Promise<CapturedFile> {
    const size = (await fs.promises.stat(file.path)).size;
    const head = await readHead(file.path);
    const name = await deriveFilename({ ...file.sources, head });
    const refuse = (reason: string) => this.#refused(file.sources, reason);
    if (size === 0) return refuse(`${name} arrived empty (0 bytes)`);
    if (file.expectedSize !== null && size !== file.expectedSize) {
      return refuse(`${name} is incomplete: ${size} of ${file.expectedSize} bytes arrived`);
    }
    const limit = this.limitProblem(size);
    if (limit) return refuse(`${name} was not stored: ${limit}`);
    const mismatch = contentMismatch(name, head);
    if (mismatch) return refuse(mismatch);

    return this.#put(name, file.sources, size, () => fs.createReadStream(file.path));
  }

  /** Names, checks and stores a file while it is still arriving; drops it if it ends badly. */
  async storeGrowing(file: GrowingFile): Promise<CapturedFile> {
    const name = await deriveFilename({ ...file.sources, head: file.head });
    const refuse = (reason: string) => this.#refused(file.sources, reason);
    if (file.head.length === 0) {
      return refuse((await file.verify(0)) ?? `${name} arrived empty (0 bytes)`);
    }
    const limit = this.limitProblem(file.expectedSize ?? 0);
    if (limit) return refuse(`${name} was not stored: ${limit}`);
    const mismatch = contentMismatch(name, file.head);
    if (mismatch) return refuse(mismatch);
    const verify = async (size: number) => {
      const problem = await file.verify(size);
      if (problem) return `${name} did not download completely: ${problem}`;
      if (file.expectedSize !== null && size !== file.expectedSize) {
        return `${name} is incomplete: ${size} of ${file.expectedSize} bytes arrived`;
      }
      // without an announced size nothing was reserved for this file: check the real one now
      const sized = file.expectedSize === null ? this.#sizeProblem(size) : null;
      return sized ? `${name} was not stored: ${sized}` : null;
    };

    return this.#put(name, file.sources, file.expectedSize ?? 0, file.open, verify);
  }

  /** Stores bytes the service produced itself (a printed page), under `name`. */
  async storeBytes(name: string, bytes: Buffer, sourceUrl: string): Promise<CapturedFile> {
    const sources = {
      url: sourceUrl,
      contentDisposition: null,
      contentType: mime.lookup(name) || null,
      downloadAttribute: null,
      suggestedName: name,
    };
    const limit = this.limitProblem(bytes.length);
    if (limit) return this.#refused(sources, `${name} was not stored: ${limit}`);

    return this.#put(name, sources, bytes.length, () => Readable.from([bytes]));
  }

  async #put(
    name: string,
    sources: LocalFile['sources'],
    size: number,
    open: () => Readable,
    verify: (storedSize: number) => Promise<string | null> = async () => null,
  ): Promise<CapturedFile> {
    const filename = uniqueFilename(
      applyDownloadSuffix(name, this.#options.downloadSuffix),
      this.#taken,
    );
    this.#taken.add(filename);
    // counted before the upload so that parallel downloads cannot overshoot the limits together
    this.#count += 1;
    this.#bytes += size;
    const { runId, artifacts } = this.#options;
    const contentType = mime.lookup(filename) || 'application/octet-stream';
    try {
      const put = await artifacts.putStream(runKeys.download(runId, filename), open(), contentType);
      const problem = await verify(put.size);
      if (problem) {
        await artifacts.delete(put.key);
        this.#release(filename, size);
        return this.#refused(sources, problem);
      }
      this.#bytes += put.size - size;
      const stored: StoredFile = {
        key: put.key,
        checksum: put.checksum,
        filename,
        file_size: put.size,
        modified_at: (this.#options.clock?.() ?? new Date()).toISOString(),
        source_url: displayUrl(sources.url),
      };
      if (await this.#options.recordFile(stored)) {
        return { stored, duplicate: false, rejected: null, ...this.#origin(sources) };
      }
      await artifacts.delete(put.key);
      this.#release(filename, put.size);

      return { stored: null, duplicate: true, rejected: null, ...this.#origin(sources) };
    } catch (error) {
      this.#release(filename, size);
      throw error;
    }
  }

  #release(filename: string, size: number): void {
    this.#taken.delete(filename);
    this.#count -= 1;
    this.#bytes -= size;
  }

  #origin(sources: LocalFile['sources']) {
    return { suggestedName: sources.suggestedName, sourceUrl: displayUrl(sources.url) };
  }

  #refused(sources: LocalFile['sources'], reason: string): CapturedFile {
    return { stored: null, duplicate: false, rejected: reason, ...this.#origin(sources) };
  }
}
