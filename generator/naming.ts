/** Names for generated declarations and files. Every name that reaches code passes through here. */

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield any boolean number string symbol unknown never object undefined bigint type".split(
    " ",
  ),
);

/** PascalCase identifier from free text (a title or file name): ASCII letters and digits only. */
export function typeName(text: string): string {
  const words = text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let name = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
  if (name === "") name = "Schema";
  if (/^[0-9]/.test(name)) name = `Schema${name}`;
  return name;
}

/** camelCase value name derived from a type name: MeetingInfo -> meetingInfo. */
export function valueName(type: string): string {
  const match = /^[A-Z]+(?=[A-Z][a-z]|[0-9]|$)|^[A-Z]/.exec(type);
  const head = match ? match[0].toLowerCase() : "";
  const name = head + type.slice(head.length);
  return RESERVED.has(name) ? `${name}Schema` : name;
}

/** kebab-case file stem: MeetingInfo -> meeting-info. */
export function fileStem(type: string): string {
  return type
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text) && !RESERVED.has(text);
}
