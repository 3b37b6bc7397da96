import * as vscode from 'vscode';
import { configureNetwork } from '../net/settings';
import { type HttpConfiguration, networkEnvironment, redact } from './networkEnvironment';

/**
 * Hands VS Code's own network settings (`http.proxy`, `http.proxyStrictSSL`, `http.noProxy`,
 * `http.systemCertificates`) and the environment to the HTTP layer, at activation and on every
 * change, so the extension's requests go where VS Code's go. Settings it cannot use are logged
 * and shown once as a warning naming the setting.
 */
export function registerNetworkConfiguration(log: vscode.LogOutputChannel): vscode.Disposable {
  let lastProblems = '';
  const apply = (): void => {
    const http = vscode.workspace.getConfiguration('http');
    const configuration: HttpConfiguration = {
      proxy: http.get<string>('proxy') ?? '',
      proxyStrictSSL: http.get<boolean>('proxyStrictSSL') ?? true,
      noProxy: http.get<string[]>('noProxy') ?? [],
      systemCertificates: http.get<boolean>('systemCertificates') ?? true,
    };
    const { settings, proxySource, problems } = networkEnvironment(configuration, process.env);
    configureNetwork(settings);
    const proxy = settings.proxy ? `proxy ${redact(settings.proxy)} (from ${proxySource})` : 'no proxy';
    const bypass =
      settings.proxy && settings.noProxy.length > 0 ? `, not for ${settings.noProxy.join(', ')}` : '';
    log.info(
      `Network: ${proxy}${bypass}; ${settings.strictSSL ? 'certificates verified' : 'certificates NOT verified (http.proxyStrictSSL is off)'}; ${settings.extraCaCerts.length} extra CA certificate(s).`,
    );
    for (const problem of problems) log.warn(`Network: ${problem}`);
    // The same problem is not shown again on every unrelated settings change.
    if (problems.length > 0 && problems.join('\n') !== lastProblems)
      void vscode.window.showWarningMessage(`DANDI: ${problems.join(' ')}`);
    lastProblems = problems.join('\n');
  };
  apply();
  return vscode.workspace.onDidChangeConfiguration(e => {
    if (e.affectsConfiguration('http')) apply();
  });
}
