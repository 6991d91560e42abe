// Type tests, checked by `npm run typecheck` (tsc), not run: each `@ts-expect-error` fails the build when the line
// below it compiles, and each accepted call fails it when it does not.
import { type ElementAt, elements, type ObjectStreamReader, readObjectStream } from "@partialgen/runtime/client";
import type { ObjectStreamState } from "@partialgen/runtime/react";
import { expectTypeOf } from "vitest";
import type { MeetingInfo, PartialMeetingInfo } from "../../examples/meeting/generated/index.js";
import { readMeetingInfoStream } from "../../examples/web/generated/meeting-info.client.js";

type User = MeetingInfo["users"][number];
declare const response: Response;
declare const typed: ObjectStreamReader<PartialMeetingInfo, MeetingInfo>;

export function patternsAreTypedBySchema(): void {
  expectTypeOf(elements(typed, "/users/*")).toEqualTypeOf<AsyncGenerator<User, void, undefined>>();
  expectTypeOf(elements(typed, "/users/0")).toEqualTypeOf<AsyncGenerator<User, void, undefined>>();
  expectTypeOf(elements(typed, "/users/*/name")).toEqualTypeOf<AsyncGenerator<string, void, undefined>>();
  expectTypeOf(elements(typed, "")).toEqualTypeOf<AsyncGenerator<MeetingInfo, void, undefined>>();
  expectTypeOf(elements(readMeetingInfoStream(response), "/users/*")).toEqualTypeOf<
    AsyncGenerator<User, void, undefined>
  >();
  expectTypeOf<ElementAt<MeetingInfo, "/users/*">>().toEqualTypeOf<User>();
}

export function wrongPatternsDoNotCompile(): void {
  // @ts-expect-error: no such property
  elements(typed, "/userz/*");
  // @ts-expect-error: users' elements have no such property
  elements(typed, "/users/*/nmae");
  // @ts-expect-error: a pattern is a JSON Pointer
  elements(typed, "users/*");
  // @ts-expect-error: an array's positions are indexes or *
  elements(typed, "/users/first");
}

export function patternsBuiltAtRunTimeAreCheckedThen(pattern: string): void {
  expectTypeOf(elements(typed, pattern)).toEqualTypeOf<AsyncGenerator<unknown, void, undefined>>();
}

export function untypedReadersTakeAnyPointer(): void {
  const untyped = readObjectStream(response);
  expectTypeOf(elements(untyped, "/anything/*")).toEqualTypeOf<AsyncGenerator<unknown, void, undefined>>();
  // @ts-expect-error: still a JSON Pointer
  elements(untyped, "anything");
}

export function theHookTypesItsElements(state: ObjectStreamState<PartialMeetingInfo, MeetingInfo>): void {
  expectTypeOf(state.elements("/users/*")).toEqualTypeOf<readonly User[]>();
  // @ts-expect-error: no such property
  state.elements("/userz/*");
}
