/**
 * Persistent metadata cache: the file bytes that answering metadata calls needed (the worker's
 * pinned pages), saved per blob identity, so that opening the same blob again and repeating those
 * calls costs no request. Answers that are expensive to recompute (a whole-file walk: thousands of
 * h5wasm calls) are kept beside them, as the worker serialized them (node:v8): the bytes behind an
 * identity never change, so neither do they. They are deserialized when a call asks for them.
 * One file per identity; whole files are evicted least recently used first to stay under the
 * byte bound.
 *
 * Each entry carries the sha256 of its bytes: an entry that does not match (a damaged disk, a
 * write cut short) is deleted on load rather than failing that file forever. Entries of files read
 * with an API key are marked private, so signing out can delete them.
 */
import { EntryFolder, type EntryHeader } from '../util/entryFolder';
import type { PageRun } from './protocol';

/** 3: answers after the runs. An entry of another version is deleted on load (and rewritten at close). */
const VERSION = 3;
const SUFFIX = '.h5meta';

/** Its body: the runs' bytes, then the answers', in order. */
interface Header extends EntryHeader {
  identity: string;
  size: number;
  runs: { offset: number; length: number }[];
  /** Serialized answers (node:v8), by call key. */
  answers: { key: string; length: number }[];
}

/** Answers to metadata calls (node:v8 serialized, as the worker sent them), by a key naming the call (see engine.ts). */
export type MetadataAnswers = Map<string, Uint8Array>;

export interface CachedMetadata {
  size: number;
  runs: PageRun[];
  answers: MetadataAnswers;
}

export interface MetadataCacheOptions {
  /** Entries this cache saves are private (the file was read with an API key). */
  private?: boolean;
}

export class MetadataCache {
  private readonly folder: EntryFolder;

  constructor(
    dir: string,
    maxBytes: number,
    private readonly options: MetadataCacheOptions = {},
  ) {
    this.folder = new EntryFolder(dir, SUFFIX, maxBytes);
  }

  /** The saved bytes for this identity, or null; a damaged or outdated entry is deleted. */
  async load(identity: string): Promise<CachedMetadata | null> {
    const file = this.folder.fileFor(identity);
    const read = await this.folder.read<Header>(file);
    if (!read) return null;
    const entry = parseEntry(read.header, read.body);
    if (!entry) {
      await this.folder.drop(file);
      return null;
    }
    // Another identity's hash prefix collision is not damage: leave that entry alone.
    if (read.header.identity !== identity) return null;
    return { size: read.header.size, runs: entry.runs, answers: entry.answers };
  }

  /** Deletes this identity's entry (an open seeded from it failed). */
  async drop(identity: string): Promise<void> {
    await this.folder.drop(this.folder.fileFor(identity));
  }

  async save(
    identity: string,
    size: number,
    runs: PageRun[],
    answers: MetadataAnswers = new Map(),
  ): Promise<void> {
    const answerBytes = [...answers].map(([key, bytes]) => ({ key, bytes }));
    const header: Omit<Header, 'sha256'> = {
      version: VERSION,
      identity,
      size,
      private: this.options.private ?? false,
      runs: runs.map(r => ({ offset: r.offset, length: r.bytes.length })),
      answers: answerBytes.map(a => ({ key: a.key, length: a.bytes.length })),
    };
    const body = [...runs.map(r => r.bytes), ...answerBytes.map(a => a.bytes)];
    const written = await this.folder.write(this.folder.fileFor(identity), header, body);
    // Too large with the answers: the pages alone still spare the next open its requests.
    if (!written && answers.size > 0) await this.save(identity, size, runs);
  }
}

/** Deletes every private entry (files read with an API key): at sign-out. Returns how many. */
export function forgetPrivateMetadata(dir: string): Promise<number> {
  return new EntryFolder(dir, SUFFIX, Infinity).forgetPrivate();
}

/** The runs and answers of a verified entry, or null when its header does not describe its body. */
function parseEntry(header: Header, body: Buffer): { runs: PageRun[]; answers: MetadataAnswers } | null {
  try {
    if (header.version !== VERSION || !Array.isArray(header.runs) || !Array.isArray(header.answers))
      return null;
    let at = 0;
    const runs: PageRun[] = [];
    for (const run of header.runs) {
      if (!Number.isSafeInteger(run.offset) || !Number.isSafeInteger(run.length) || run.length < 0)
        return null;
      if (at + run.length > body.length) return null;
      runs.push({ offset: run.offset, bytes: new Uint8Array(body.subarray(at, at + run.length)) });
      at += run.length;
    }
    const answers: MetadataAnswers = new Map();
    for (const answer of header.answers) {
      if (typeof answer.key !== 'string' || !Number.isSafeInteger(answer.length) || answer.length < 0)
        return null;
      if (at + answer.length > body.length) return null;
      answers.set(answer.key, body.subarray(at, at + answer.length));
      at += answer.length;
    }
    return at === body.length ? { runs, answers } : null;
  } catch {
    return null;
  }
}
