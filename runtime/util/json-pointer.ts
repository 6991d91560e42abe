/** RFC 6901 escaping of one reference token. */
export function escapePointerToken(token: string | number): string {
  if (typeof token === "number") return String(token);
  if (token.indexOf("~") === -1 && token.indexOf("/") === -1) return token;
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function appendPointer(parent: string, token: string | number): string {
  return `${parent}/${escapePointerToken(token)}`;
}
