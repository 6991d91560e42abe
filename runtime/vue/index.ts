/**
 * @partialgen/runtime/vue — useObjectStream() as Vue refs over the browser reader (vue is an optional peer
 * dependency: only this entry imports it). Everything of @partialgen/runtime/client is re-exported.
 */
export * from "../client/index.js";
export { type ObjectStreamRefs, type UseObjectStreamOptions, useObjectStream } from "./use-object-stream.js";
