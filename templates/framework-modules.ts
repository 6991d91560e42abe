import { type Code, code } from "../generator/code/safe.js";
import { renderHeader } from "./header.js";
import { siblingModule } from "./imports.js";
import type { ReactModuleView } from "./react-module.js";

/** The frameworks a typed binding module can be generated for, in the order their modules are listed. */
export const FRAMEWORKS = ["react", "vue", "svelte", "solid", "angular"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** What differs between the bindings: our own fixed names, as code. */
interface Binding {
  /** The runtime entry, `@partialgen/runtime/<entry>`. */
  entry: Code;
  /** The generated function is `<verb>XStream`. */
  verb: Code;
  runtimeFn: Code;
  options: Code;
  result: Code;
  /** Where the snapshots go, for the doc comment. */
  into: Code;
}

const USE = { verb: code`use`, runtimeFn: code`useObjectStream`, options: code`UseObjectStreamOptions` };
const CREATE = { verb: code`create`, runtimeFn: code`createObjectStream`, options: code`CreateObjectStreamOptions` };

const BINDINGS: Record<Framework, Binding> = {
  react: { ...USE, entry: code`react`, result: code`ObjectStreamState`, into: code`a component` },
  vue: { ...USE, entry: code`vue`, result: code`ObjectStreamRefs`, into: code`Vue refs` },
  svelte: { ...CREATE, entry: code`svelte`, result: code`ObjectStreamStore`, into: code`a Svelte store` },
  solid: { ...CREATE, entry: code`solid`, result: code`ObjectStreamAccessors`, into: code`Solid signals` },
  angular: {
    entry: code`angular`,
    verb: code`inject`,
    runtimeFn: code`injectObjectStream`,
    options: code`InjectObjectStreamOptions`,
    result: code`ObjectStreamSignals`,
    into: code`Angular signals`,
  },
};

/**
 * `<stem>.<framework>.ts`: the binding typed by the schema (`useXStream`, `createXStream`, `injectXStream`).
 * Like the client module it imports the schema module's types only, and the hints from the hints module.
 */
export function renderFrameworkModule(framework: Framework, v: ReactModuleView): Code {
  const b = BINDINGS[framework];
  return code`${renderHeader(v.source)}
import * as partialgen from "@partialgen/runtime/${b.entry}";
import { ${v.valueName}StreamHints } from ${siblingModule(v.hintsModule, v.importExtension)};
import type { ${v.typeName}, ${v.partialTypeName} } from ${siblingModule(v.schemaModule, v.importExtension)};

/** Streams ${v.typeName} into ${b.into} from an endpoint answering \`stream${v.typeName}(...).toResponse()\`: \`submit(input)\`, then typed ${v.partialTypeName} snapshots as \`value\`. */
export function ${b.verb}${v.typeName}Stream<I = void>(
  options: Omit<partialgen.${b.options}<${v.typeName}, I>, "hints">,
): partialgen.${b.result}<${v.partialTypeName}, ${v.typeName}, I> {
  return partialgen.${b.runtimeFn}<${v.partialTypeName}, ${v.typeName}, I>({ ...options, hints: ${v.valueName}StreamHints });
}
`;
}
