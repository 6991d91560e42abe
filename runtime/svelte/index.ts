/**
 * @partialgen/runtime/svelte — createObjectStream() as a Svelte store over the browser reader (svelte is an
 * optional peer dependency: only this entry imports it). Everything of @partialgen/runtime/client is re-exported.
 */
export * from "../client/index.js";
export {
  type CreateObjectStreamOptions,
  createObjectStream,
  type ObjectStreamStore,
} from "./create-object-stream.js";
