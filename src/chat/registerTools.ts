/**
 * The language model tools a chat agent in VS Code can call (package.json `languageModelTools`):
 * search the archive, list a version's files, describe an NWB file's objects, get the Python for
 * one object, and download with the user's confirmation.
 */
import * as vscode from 'vscode';
import { LanguageModelTools } from '../constants';
import type { ExtensionServices } from '../services';
import { listAssetsTool, searchDandisetsTool } from './archiveTools';
import { describeFileTool, pythonSnippetTool } from './fileTools';
import { downloadAssetsTool } from './downloadTool';
import { languageModelTool } from './toolKit';

export type ToolName = (typeof LanguageModelTools)[keyof typeof LanguageModelTools];

/** Registers every tool; returns them by name so the VS Code tests can also call one directly. */
export function registerLanguageModelTools(
  services: ExtensionServices,
): ReadonlyMap<ToolName, vscode.LanguageModelTool<unknown>> {
  const bodies = {
    [LanguageModelTools.searchDandisets]: searchDandisetsTool(services),
    [LanguageModelTools.listAssets]: listAssetsTool(services),
    [LanguageModelTools.describeFile]: describeFileTool(services),
    [LanguageModelTools.pythonSnippet]: pythonSnippetTool(services),
    [LanguageModelTools.downloadAssets]: downloadAssetsTool(services),
  };
  const tools = new Map<ToolName, vscode.LanguageModelTool<unknown>>();
  for (const [name, body] of Object.entries(bodies) as [ToolName, (typeof bodies)[ToolName]][]) {
    const tool = languageModelTool(name, body, services.log);
    tools.set(name, tool);
    services.context.subscriptions.push(vscode.lm.registerTool(name, tool));
  }
  return tools;
}
