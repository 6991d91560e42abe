/**
 * @partialgen/runtime/angular — injectObjectStream() as Angular signals over the browser reader (@angular/core
 * is an optional peer dependency: only this entry imports it). Everything of @partialgen/runtime/client is
 * re-exported.
 */
export * from "../client/index.js";
export {
  type InjectObjectStreamOptions,
  injectObjectStream,
  type ObjectStreamSignals,
} from "./inject-object-stream.js";
