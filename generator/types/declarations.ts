import { Node, Project } from "ts-morph";

/**
 * The one reader of what json-schema-to-typescript wrote: its text parsed by TypeScript (through ts-morph),
 * never matched by regular expressions, so a name is declared only where TypeScript sees a declaration.
 */

/** One interface or type alias: its text (doc comment included) and where declared names occur in it. */
export interface Declaration {
  text: string;
  docs: string;
  start: number;
  /** Where identifiers naming declared types are, relative to `start`. */
  nameSpans: { at: number; name: string }[];
  references: Set<string>;
}

export interface Declarations {
  text: string;
  /** The interfaces and type aliases, by name, in the order written. */
  byName: Map<string, Declaration>;
  /** Every exported top-level declaration's name (enums too). */
  names: Set<string>;
}

const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
let scratchCount = 0;

export function readDeclarations(text: string): Declarations {
  const sourceFile = project.createSourceFile(`/scratch-${scratchCount++}.ts`, text);
  try {
    const names = new Set<string>();
    const declared = new Set<string>();
    for (const statement of sourceFile.getStatements()) {
      if (Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement))
        declared.add(statement.getName());
      if (
        (Node.isInterfaceDeclaration(statement) ||
          Node.isTypeAliasDeclaration(statement) ||
          Node.isEnumDeclaration(statement)) &&
        statement.isExported()
      )
        names.add(statement.getName());
    }
    const byName = new Map<string, Declaration>();
    for (const statement of sourceFile.getStatements()) {
      if (!Node.isInterfaceDeclaration(statement) && !Node.isTypeAliasDeclaration(statement)) continue;
      const start = statement.getStart(true);
      const text = statement.getText(true);
      const declStart = statement.getStart(false);
      const nameSpans: { at: number; name: string }[] = [];
      const references = new Set<string>();
      const nameNode = statement.getNameNode();
      nameSpans.push({ at: nameNode.getStart() - start, name: nameNode.getText() });
      statement.forEachDescendant((node) => {
        if (!Node.isIdentifier(node) || !declared.has(node.getText())) return;
        const parent = node.getParent();
        if (Node.isTypeReference(parent) || Node.isExpressionWithTypeArguments(parent)) {
          nameSpans.push({ at: node.getStart() - start, name: node.getText() });
          references.add(node.getText());
        }
      });
      byName.set(statement.getName(), { text, docs: text.slice(0, declStart - start), start, nameSpans, references });
    }
    return { text, byName, names };
  } finally {
    sourceFile.delete();
  }
}

/** A declaration's text with declared names replaced (`renamed`: old name -> new name). */
export function renamedDeclaration(decl: Declaration, renamed: ReadonlyMap<string, string>): string {
  let text = decl.text;
  for (const span of [...decl.nameSpans].sort((a, b) => b.at - a.at)) {
    const target = renamed.get(span.name);
    if (target) text = text.slice(0, span.at) + target + text.slice(span.at + span.name.length);
  }
  return text;
}
