/**
 * Metadata answers from the JavaScript reader (format/formatAnswers.ts) first, and from libhdf5
 * for what that reader does not read or fails on: a reader error must never cost an answer
 * libhdf5 can give. A failed fetch fails the call either way.
 */
import { FormatAnswers, type TypeCodes } from './format/formatAnswers';
import type { ReadAt } from './format/fileCursor';
import type { ReferenceResolver } from './format/attributeValue';
import { openStoredFile } from './format/storedLayout';

export interface JavaScriptFirstOptions {
  /** Off: every answer is libhdf5's (OpenOptions.metadataReader 'libhdf5'). */
  enabled: boolean;
  readAt: ReadAt;
  /** The file's size in bytes. */
  size: number;
  /** Where the superblock sits (addresses count from there). */
  base: () => number;
  codes: TypeCodes;
  plugins: ReadonlySet<number>;
  refs: ReferenceResolver;
  fetchFailed: () => boolean;
}

export class JavaScriptFirst {
  /** Made at its first use; null when off or when the file is not one it reads. */
  private reader: FormatAnswers | null | undefined;
  /** Answers the JavaScript reader gave, and those it left to libhdf5 (published as stats). */
  readonly counts = { answers: 0, fallbacks: 0 };

  constructor(private readonly options: JavaScriptFirstOptions) {}

  answer<T>(fromFile: (reader: FormatAnswers) => T, fromLibhdf5: () => T): T {
    const reader = this.formatAnswers();
    if (reader) {
      try {
        const value = fromFile(reader);
        this.counts.answers++;
        return value;
      } catch (error) {
        if (this.options.fetchFailed()) throw error;
        this.counts.fallbacks++;
      }
    }
    return fromLibhdf5();
  }

  private formatAnswers(): FormatAnswers | null {
    if (this.reader !== undefined) return this.reader;
    const o = this.options;
    if (!o.enabled) return (this.reader = null);
    try {
      const file = openStoredFile(o.readAt, o.base(), o.size);
      return (this.reader = new FormatAnswers(file, o.codes, o.plugins, o.refs));
    } catch (error) {
      if (o.fetchFailed()) throw error;
      return (this.reader = null);
    }
  }
}
