// The VS Code side of kpic: starts `kpic lsp` over stdio for .kpi files.
// Everything else (diagnostics, hover, definition, completion, formatting,
// rename, quick fixes) comes from the server.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('kpic');
  const command = config.get('path') || 'kpic';
  const args = ['lsp', '--debounce-ms', String(config.get('debounceMs') ?? 25)];
  const serverOptions = { run: { command, args }, debug: { command, args } };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'kpi' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.kpi') },
  };
  client = new LanguageClient('kpic', 'kpic', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
