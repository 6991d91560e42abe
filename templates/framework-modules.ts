import { renderHeader } from "./header.js";
import { siblingModule } from "./imports.js";
import type { ReactModuleView } from "./react-module.js";

/** The frameworks a typed binding module can be generated for, in the order their modules are listed. */
export const FRAMEWORKS = ["react", "vue", "svelte", "solid", "angular"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

interface Binding {
  /** The runtime entry, `@partialgen/runtime/<entry>`. */
  entry: string;
  /** The generated function is `<verb>XStream`. */
  verb: string;
  runtimeFn: string;
  options: string;
  result: string;
  /** Where the snapshots go, for the doc comment. */
  into: string;
}

/** What differs between the bindings. */
const BINDINGS: Record<Framework, Binding> = {
  react: use("react", "ObjectStreamState", "a component"),
  vue: use("vue", "ObjectStreamRefs", "Vue refs"),
  svelte: create("svelte", "ObjectStreamStore", "a Svelte store"),
  solid: create("solid", "ObjectStreamAccessors", "Solid signals"),
  angular: {
    entry: "angular",
    verb: "inject",
    runtimeFn: "injectObjectStream",
    options: "InjectObjectStreamOptions",
    result: "ObjectStreamSignals",
    into: "Angular signals",
  },
};

function use(entry: string, result: string, into: string): Binding {
  return { entry, verb: "use", runtimeFn: "useObjectStream", options: "UseObjectStreamOptions", result, into };
}

function create(entry: string, result: string, into: string): Binding {
  return { entry, verb: "create", runtimeFn: "createObjectStream", options: "CreateObjectStreamOptions", result, into };
}

/**
 * `<stem>.<framework>.ts`: the binding typed by the schema (`useXStream`, `createXStream`, `injectXStream`).
 * Like the client module it imports the schema module's types only, and the hints from the client module.
 */
export function renderFrameworkModule(framework: Framework, v: ReactModuleView): string {
  const b = BINDINGS[framework];
  return `${renderHeader(v.source)}
import * as partialgen from "@partialgen/runtime/${b.entry}";
import { ${v.valueName}Hints } from ${siblingModule(`${v.schemaModule}.client`, v.importExtension)};
import type { ${v.typeName}, ${v.partialTypeName} } from ${siblingModule(v.schemaModule, v.importExtension)};

/** Streams ${v.typeName} into ${b.into} from an endpoint answering \`stream${v.typeName}(...).toResponse()\`: \`submit(input)\`, then typed ${v.partialTypeName} snapshots as \`value\`. */
export function ${b.verb}${v.typeName}Stream<I = void>(
  options: Omit<partialgen.${b.options}<${v.typeName}, I>, "hints">,
): partialgen.${b.result}<${v.partialTypeName}, ${v.typeName}, I> {
  return partialgen.${b.runtimeFn}<${v.partialTypeName}, ${v.typeName}, I>({ ...options, hints: ${v.valueName}Hints });
}
`;
}
