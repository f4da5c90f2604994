import type { Readable } from 'node:stream';

export interface PutResult {
  key: string;
  size: number;
  /** SHA-256 of the bytes, lower-case hex, computed while streaming. */
  checksum: string;
}

/** The artifacts bucket: downloads, screenshots, traces and checkpoints of runs. */
export interface ArtifactStore {
  /** Streams a body to `key`, computing its SHA-256 on the way, in constant memory. */
  putStream(key: string, body: Readable, contentType?: string): Promise<PutResult>;
  putBytes(key: string, body: Buffer | string, contentType?: string): Promise<PutResult>;
  getBytes(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
  /** A signed GET URL valid for `ttlSeconds`. */
  signedUrl(key: string, ttlSeconds: number, downloadName?: string): Promise<string>;
}

export const runKeys = {
  download: (runId: string, filename: string) => `runs/${runId}/downloads/${filename}`,
  screenshot: (runId: string, step: number) =>
    `runs/${runId}/screenshots/${String(step).padStart(4, '0')}.png`,
  trace: (runId: string, part: number) => `runs/${runId}/trace-${part}.zip`,
  checkpoint: (runId: string) => `runs/${runId}/checkpoint.json`,
};

/** Saved browser profiles live outside `runs/`, so the run artifacts' expiry leaves them alone. */
export const profileKeys = {
  /** An owner's folder: a hash of the owner, so any owner name makes a safe key. */
  folder: (ownerKey: string) => `profiles/${ownerKey}/`,
  profile: (ownerKey: string, profileId: string) => `profiles/${ownerKey}/${profileId}.json`,
};
