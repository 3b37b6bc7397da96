import * as vscode from 'vscode';
import { isOpenByUser, rangeOf, type DocumentReferences } from './documents';
import type { Existence, ReferenceLookup } from './lookup';
import { pinnedText } from './rewrite';
import type { FoundReference } from './scanner';

/** Quiet time after the last edit before a document's references are checked. */
const DEBOUNCE_MS = 600;
/** Lookups of one document in flight at once (each is one request at most, most are cached). */
const PARALLEL_LOOKUPS = 4;

export const DiagnosticCodes = { missing: 'dandi-missing', draft: 'dandi-draft' } as const;

/**
 * Warnings for references that do not exist (an unknown Dandiset, a version never published, a
 * file not in that version), in the `dandi` collection of the Problems panel, and a hint on each
 * explicit draft reference that a version is published, which the quick fix pins. Only documents
 * the user has open are checked, after typing pauses; a lookup that fails (network, server,
 * access) is no warning.
 */
export class ReferenceDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('dandi');
  private readonly timers = new Map<vscode.TextDocument, ReturnType<typeof setTimeout>>();
  /** Pinned replacement text of each draft hint, by document and range. */
  private readonly pins = new WeakMap<vscode.TextDocument, { range: vscode.Range; text: string }[]>();
  private readonly runs = new Map<vscode.TextDocument, Promise<void>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly references: DocumentReferences,
    private readonly lookup: ReferenceLookup,
    private readonly enabled: () => boolean,
  ) {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidChangeTextDocument(e => {
        if (e.contentChanges.length) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument(d => this.forget(d)),
      vscode.window.onDidChangeVisibleTextEditors(editors => editors.forEach(e => this.schedule(e.document))),
      vscode.window.tabGroups.onDidChangeTabs(() => this.refreshAll()),
    );
  }

  /** Checks every open document again (after a change of instance, setting or sign-in). */
  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** Checks one document now, resolving when its diagnostics are set (the tests wait on it). */
  check(document: vscode.TextDocument): Promise<void> {
    const previous = this.runs.get(document) ?? Promise.resolve();
    const run = previous.then(() => this.run(document));
    this.runs.set(document, run);
    return run.finally(() => {
      if (this.runs.get(document) === run) this.runs.delete(document);
    });
  }

  /** The pinned text of a draft hint at `range`, for the quick fix. */
  pinAt(document: vscode.TextDocument, range: vscode.Range): string | undefined {
    return this.pins.get(document)?.find(p => p.range.isEqual(range))?.text;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  private schedule(document: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    clearTimeout(this.timers.get(document));
    this.timers.set(
      document,
      setTimeout(() => {
        this.timers.delete(document);
        void this.check(document);
      }, delay),
    );
  }

  private forget(document: vscode.TextDocument): void {
    clearTimeout(this.timers.get(document));
    this.timers.delete(document);
    this.collection.delete(document.uri);
    this.pins.delete(document);
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed || !this.enabled() || !isOpenByUser(document)) {
      this.collection.delete(document.uri);
      this.pins.delete(document);
      return;
    }
    const version = document.version;
    const found = this.references.of(document);
    const answers = await lookUpAll(found, f => this.lookup.exists(f.reference));
    if (document.isClosed || document.version !== version) return; // a newer run follows the edit
    const diagnostics: vscode.Diagnostic[] = [];
    const pins: { range: vscode.Range; text: string }[] = [];
    found.forEach((f, i) => {
      const answer = answers[i];
      const range = rangeOf(document, f);
      if (answer.status === 'missing') {
        const diagnostic = new vscode.Diagnostic(range, answer.message, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'DANDI';
        diagnostic.code = DiagnosticCodes.missing;
        diagnostics.push(diagnostic);
        return;
      }
      const latest = answer.status === 'found' ? answer.target.latestPublished : null;
      const pinned = latest ? pinnedText(f, latest) : undefined;
      if (!latest || !pinned) return;
      const hint = new vscode.Diagnostic(
        range,
        `A draft reference changes as the Dandiset is edited; version ${latest} is published.`,
        vscode.DiagnosticSeverity.Hint,
      );
      hint.source = 'DANDI';
      hint.code = DiagnosticCodes.draft;
      diagnostics.push(hint);
      pins.push({ range, text: pinned });
    });
    this.collection.set(document.uri, diagnostics);
    this.pins.set(document, pins);
  }
}

/** Each reference's answer, in order, a few at a time (the lookup shares requests between them). */
async function lookUpAll(
  found: FoundReference[],
  ask: (f: FoundReference) => Promise<Existence>,
): Promise<Existence[]> {
  const answers: Existence[] = new Array(found.length);
  let next = 0;
  const worker = async () => {
    while (next < found.length) {
      const i = next++;
      answers[i] = await ask(found[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_LOOKUPS, found.length) }, worker));
  return answers;
}

/** "Pin to the latest published version" on the draft hints. */
export class PinDraftActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ReferenceDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    return context.diagnostics
      .filter(d => d.code === DiagnosticCodes.draft)
      .flatMap(d => {
        const text = this.diagnostics.pinAt(document, d.range);
        if (!text) return [];
        const action = new vscode.CodeAction(
          'Pin to the latest published version',
          vscode.CodeActionKind.QuickFix,
        );
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, d.range, text);
        action.diagnostics = [d];
        action.isPreferred = true;
        return [action];
      });
  }
}
