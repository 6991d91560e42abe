/**
 * @partialgen/runtime/react — useObjectStream() over the browser reader (react is an optional peer
 * dependency: only this entry imports it). Everything of @partialgen/runtime/client is re-exported.
 */
export * from "../client/index.js";
export {
  type ObjectStreamState,
  type ObjectStreamStatus,
  type UseObjectStreamOptions,
  useObjectStream,
} from "./use-object-stream.js";
