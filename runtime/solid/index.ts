/**
 * @partialgen/runtime/solid — createObjectStream() as Solid accessors over the browser reader (solid-js is an
 * optional peer dependency: only this entry imports it). Everything of @partialgen/runtime/client is re-exported.
 */
export * from "../client/index.js";
export {
  type CreateObjectStreamOptions,
  createObjectStream,
  type ObjectStreamAccessors,
} from "./create-object-stream.js";
