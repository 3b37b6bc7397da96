import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The one "DANDI" log channel shared by every module. Never log API keys or presigned URLs' signatures. */
export function getLog(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('DANDI', { log: true });
  return channel;
}
