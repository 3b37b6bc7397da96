/**
 * VS Code turns `[label](command:...)` in the text of a notification or a progress title into a
 * clickable link that runs the command. Archive metadata, asset paths and server error bodies are
 * untrusted, so every message that may hold them goes through this: a zero-width space between
 * `]` and `(` keeps the text readable and the link syntax broken.
 */
export function plainText(text: string): string {
  return text.replace(/\]\s*\(/g, ']\u200b(');
}
