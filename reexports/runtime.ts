// `partialgen/runtime` from before the runtime became its own package: the same module as @partialgen/runtime,
// so existing imports keep working. New code (and all generated code) imports @partialgen/runtime.
export * from "@partialgen/runtime";
