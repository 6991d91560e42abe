// Type tests for what a stream hands back, checked by `npm run typecheck` (see call-options.types.ts).
import type { ConnectionErrorCode, StreamError, StreamEvent } from "@partialgen/runtime";
import OpenAI from "openai";
import { expectTypeOf } from "vitest";
import {
  type MeetingInfo,
  type PartialMeetingInfo,
  streamMeetingInfo,
} from "../../examples/meeting/generated/index.js";

const client = new OpenAI({ apiKey: "k" });
const messages = [{ role: "user" as const, content: "notes" }];
const model = "m";

export function errorsAreTypedByTheSnapshotType(): void {
  const stream = streamMeetingInfo({ client, model, messages });
  expectTypeOf(stream.error).toEqualTypeOf<StreamError<PartialMeetingInfo> | undefined>();
  expectTypeOf(stream.error?.partial).toEqualTypeOf<PartialMeetingInfo | undefined>();
  expectTypeOf(stream.error?.previousErrors).toEqualTypeOf<readonly StreamError<PartialMeetingInfo>[] | undefined>();
}

export async function eventsIncludeTheRawText(): Promise<void> {
  const stream = streamMeetingInfo({ client, model, messages });
  for await (const event of stream.events()) {
    expectTypeOf(event).toEqualTypeOf<StreamEvent<PartialMeetingInfo, MeetingInfo>>();
    if (event.type === "delta") expectTypeOf(event).toEqualTypeOf<{ type: "delta"; text: string; attempt: number }>();
    if (event.type === "retry") expectTypeOf(event.error).toEqualTypeOf<StreamError<PartialMeetingInfo>>();
    if (event.type === "error") expectTypeOf(event.error.partial).toEqualTypeOf<PartialMeetingInfo | undefined>();
  }
}

export function streamOptionsAreTyped(): void {
  streamMeetingInfo({ client, model, messages, lenient: true, idleTimeoutMs: 0, connectionRetries: 2 });
  // @ts-expect-error lenient is a boolean
  streamMeetingInfo({ client, model, messages, lenient: "yes" });
  // @ts-expect-error idle timeout is in milliseconds, a number
  streamMeetingInfo({ client, model, messages, idleTimeoutMs: "2m" });
}

export function connectionErrorCodesAreAClosedSet(code: ConnectionErrorCode): void {
  // @ts-expect-error not a code
  const wrong: ConnectionErrorCode = "timeout";
  expectTypeOf(code).toExtend<string>();
  void wrong;
}
