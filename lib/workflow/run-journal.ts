import fs from 'node:fs';
import path from 'node:path';

/**
 * The ids of runs whose loop is under way in this process, kept in a file, so that a restarted
 * local mode can resume them instead of leaving them `running` for ever.
 */
export class RunJournal {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  /** The ids in the journal. */
  read(): string[] {
    try {
      const ids: unknown = JSON.parse(fs.readFileSync(this.#file, 'utf8'));
      return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  add(runId: string): void {
    this.#write([...new Set([...this.read(), runId])]);
  }

  remove(runId: string): void {
    this.#write(this.read().filter((id) => id !== runId));
  }

  #write(ids: string[]): void {
    fs.mkdirSync(path.dirname(this.#file), { recursive: true });
    fs.writeFileSync(this.#file, JSON.stringify(ids));
  }
}
