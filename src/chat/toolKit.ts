/**
 * What every DANDI language model tool shares: reading its input (the model's JSON, checked
 * against what package.json's inputSchema promises, so a bad input is a clear error result rather
 * than a throw), bounded text results, and the wrapper that turns any failure into a result the
 * model can read and act on. Only cancellation is thrown, as VS Code expects.
 */
import * as vscode from 'vscode';
import { abortOnCancel } from '../util/abortOnCancel';

/** A bad input: reported to the model as is, never logged as a failure of the extension. */
export class ToolInputError extends Error {}

/** Results beyond this many characters are cut (the model's context is the budget). */
const MAX_RESULT_CHARS = 24_000;

interface StringRule {
  required?: boolean;
  pattern?: RegExp;
  /** What the pattern means, for the error message. */
  expected?: string;
  maxLength?: number;
}

/** The fields of one tool input, read one by one with their rules; unknown fields are refused. */
export class ToolInput {
  private readonly fields: Record<string, unknown>;
  private readonly read = new Set<string>();

  constructor(input: unknown) {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new ToolInputError('The input must be a JSON object.');
    this.fields = input as Record<string, unknown>;
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const value = this.take(name);
    if (value === undefined || value === null || value === '') {
      if (rule.required) throw new ToolInputError(`"${name}" is required.`);
      return undefined;
    }
    if (typeof value !== 'string') throw new ToolInputError(`"${name}" must be a string.`);
    const text = value.trim();
    if (text.length > (rule.maxLength ?? 2048))
      throw new ToolInputError(`"${name}" is longer than ${rule.maxLength ?? 2048} characters.`);
    if (rule.pattern && !rule.pattern.test(text))
      throw new ToolInputError(
        `"${name}" must be ${rule.expected ?? `like ${rule.pattern}`}; got "${text}".`,
      );
    return text;
  }

  integer(name: string, rule: { min: number; max: number; default: number }): number {
    const value = this.take(name);
    if (value === undefined || value === null) return rule.default;
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new ToolInputError(`"${name}" must be an integer.`);
    if (value < rule.min || value > rule.max)
      throw new ToolInputError(`"${name}" must be between ${rule.min} and ${rule.max}; got ${value}.`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.take(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw new ToolInputError(`"${name}" must be true or false.`);
    return value;
  }

  strings(name: string, rule: { maxItems: number; required?: boolean }): string[] {
    const value = this.take(name);
    if (value === undefined || value === null) {
      if (rule.required) throw new ToolInputError(`"${name}" is required.`);
      return [];
    }
    if (!Array.isArray(value) || value.some(v => typeof v !== 'string'))
      throw new ToolInputError(`"${name}" must be an array of strings.`);
    const items = (value as string[]).map(v => v.trim()).filter(Boolean);
    if (rule.required && items.length === 0) throw new ToolInputError(`"${name}" is empty.`);
    if (items.length > rule.maxItems)
      throw new ToolInputError(`"${name}" has ${items.length} items; at most ${rule.maxItems} are allowed.`);
    return items;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value))
      throw new ToolInputError(`"${name}" must be one of ${allowed.join(', ')}; got "${value}".`);
    return value as T;
  }

  /** Refuses fields the tool does not know (a misspelt field would otherwise be silently ignored). */
  done(): void {
    const unknown = Object.keys(this.fields).filter(key => !this.read.has(key));
    if (unknown.length)
      throw new ToolInputError(
        `Unknown input ${unknown.map(k => `"${k}"`).join(', ')}; the fields are ${[...this.read].join(', ')}.`,
      );
  }

  private take(name: string): unknown {
    this.read.add(name);
    return this.fields[name];
  }
}

/** A result as compact JSON (what a model reads best), cut to a bounded size. */
export function jsonResult(value: unknown): vscode.LanguageModelToolResult {
  return textResult(JSON.stringify(value));
}

export function textResult(text: string): vscode.LanguageModelToolResult {
  const bounded =
    text.length > MAX_RESULT_CHARS
      ? `${text.slice(0, MAX_RESULT_CHARS)}\n… (result cut at ${MAX_RESULT_CHARS} characters; ask for less)`
      : text;
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(bounded)]);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** One tool's behaviour, written against an AbortSignal; the wrapper does the VS Code parts. */
export interface ToolBody {
  run(input: unknown, signal: AbortSignal): Promise<vscode.LanguageModelToolResult>;
  prepare?(input: unknown, signal: AbortSignal): Promise<vscode.PreparedToolInvocation | undefined>;
}

/**
 * The LanguageModelTool VS Code calls: cancellation becomes an AbortSignal, a cancelled call
 * throws CancellationError, and every other failure (bad input, an archive error, an unreadable
 * file) is returned as an `Error:` text the model can act on; nothing reaches the extension host.
 */
export function languageModelTool(
  name: string,
  body: ToolBody,
  log: vscode.LogOutputChannel,
): vscode.LanguageModelTool<unknown> {
  return {
    async invoke(options, token) {
      const link = abortOnCancel(token);
      try {
        return await body.run(options.input, link.signal);
      } catch (error) {
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        if (!(error instanceof ToolInputError)) log.warn(`${name}: ${errorText(error)}`);
        return textResult(`Error: ${errorText(error)}`);
      } finally {
        link.dispose();
      }
    },
    prepareInvocation: body.prepare
      ? async (options, token) => {
          const link = abortOnCancel(token);
          try {
            return await body.prepare?.(options.input, link.signal);
          } catch (error) {
            if (token.isCancellationRequested) throw new vscode.CancellationError();
            // A bad input fails in invoke() before anything happens: there is nothing to confirm.
            if (error instanceof ToolInputError) return undefined;
            // A tool that prepares is one that asks first: it still asks when listing failed.
            log.warn(`${name}: ${errorText(error)}`);
            return {
              confirmationMessages: {
                title: 'DANDI: continue?',
                message: `What this would do could not be worked out: ${errorText(error)}. Continue anyway?`,
              },
            };
          } finally {
            link.dispose();
          }
        }
      : undefined,
  };
}
