// `partialgen/testing`, kept for existing imports: the same module as @partialgen/runtime/testing.
export * from "@partialgen/runtime/testing";
