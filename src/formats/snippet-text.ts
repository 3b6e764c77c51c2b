// Text helpers the formats' page snippets share (pure).

/** What snippets show where a token goes. */
export const TOKEN_PLACEHOLDER = "<your_access_token>";

export function stringField(metadata: Record<string, unknown>, key: string): string | null {
  const value = metadata[key];
  return typeof value === "string" && value ? value : null;
}

export function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
