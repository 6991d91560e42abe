import { PartialJSONParser } from "@partialgen/runtime";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type MeetingInfo,
  meetingInfoJsonSchema,
  validateMeetingInfo,
  validatePartialMeetingInfo,
} from "../fixtures/generator/basic/expected/index.js";
import { validateInvoice, validatePartialInvoice } from "../fixtures/generator/basic/expected/invoice.js";
import * as hostile from "../fixtures/generator/hostile/expected/index.js";
import {
  validateBacktrackingPatterns,
  validatePartialBacktrackingPatterns,
} from "../fixtures/generator/non-strict/expected/index.js";
import { validatePartialTreeNode, validateTreeNode } from "../fixtures/generator/recursive/expected/index.js";
import { validateOrder, validatePartialOrder } from "../fixtures/generator/stream-hints/expected/index.js";

const meeting: MeetingInfo = {
  users: [{ name: "Jane Smith", email: "janesmith@email.com", twitter: "@DigitalDiva88" }],
  date: "March 15th, 2024",
  location: "Grand Tech Arena",
  budget: 50000,
  deadline: "February 20th",
};

describe("full and partial validators", () => {
  it("a valid value passes both, and narrows the type", () => {
    const value: unknown = structuredClone(meeting);
    expect(validateMeetingInfo(value)).toBe(true);
    expect(validateMeetingInfo.errors).toBeNull();
    expect(validatePartialMeetingInfo(value)).toBe(true);
    if (validateMeetingInfo(value)) expectTypeOf(value).toEqualTypeOf<MeetingInfo>();
  });

  it("every snapshot of a valid answer passes the partial validator", () => {
    const parser = new PartialJSONParser({ schema: meetingInfoJsonSchema });
    for (const ch of JSON.stringify(meeting)) {
      if (parser.write(ch)) expect(validatePartialMeetingInfo(parser.value), JSON.stringify(parser.value)).toBe(true);
    }
  });

  it("what a prefix cannot satisfy yet fails only the full validator", () => {
    const { budget: _, ...missingBudget } = meeting;
    expect(validateMeetingInfo(missingBudget)).toBe(false);
    expect(validateMeetingInfo.errors?.[0]).toMatchObject({
      keyword: "required",
      params: { missingProperty: "budget" },
    });
    expect(validatePartialMeetingInfo(missingBudget)).toBe(true);
    const streamingEmail = { users: [{ name: "J", email: "jane@" }] };
    expect(validatePartialMeetingInfo(streamingEmail)).toBe(true);
    expect(validateMeetingInfo({ ...meeting, users: [{ ...meeting.users[0], email: "jane@" }] })).toBe(false);
  });

  it("what a prefix can already violate fails both", () => {
    for (const bad of [{ ...meeting, budget: "lots" }, { ...meeting, extra: 1 }, { users: [{ name: 42 }] }]) {
      expect(validatePartialMeetingInfo(bad), JSON.stringify(bad)).toBe(false);
      expect(validateMeetingInfo(bad)).toBe(false);
    }
    expect(validatePartialMeetingInfo.errors?.[0]?.instancePath).toBe("/users/0/name");
    const lines = Array.from({ length: 51 }, () => ({ description: "x", quantity: 1, unitPrice: 1 }));
    expect(validatePartialInvoice({ lines })).toBe(false); // maxItems is kept
    expect(validatePartialInvoice({ status: "pai" })).toBe(false); // enum strings are shown only when complete
    expect(validatePartialInvoice({ status: "paid", lines: [{ description: "x" }] })).toBe(true);
    expect(validateInvoice({ number: "INV-1", issued: "2024-02-30", status: "paid", lines })).toBe(false);
  });

  it("not-null properties stay required in the partial schema; done subtrees are validated whole", () => {
    expect(validatePartialOrder({ status: "open" })).toBe(false);
    expect(validatePartialOrder({ id: "o1", items: [{ sku: "a" }] })).toBe(true);
    expect(validatePartialOrder({ id: "o1", items: [{ qty: 1 }] })).toBe(false);
    expect(validatePartialOrder({ id: "o1", total: { amount: 3 } })).toBe(false);
    expect(validateOrder({ id: "o1", status: "open", items: [], total: { amount: 3, currency: "EUR" } })).toBe(true);
  });

  it("recursive schemas validate recursively", () => {
    const tree = { label: "root", children: [{ label: "a", children: [{ label: "b", children: [] }] }] };
    expect(validateTreeNode(tree)).toBe(true);
    expect(
      validateTreeNode({ label: "root", children: [{ label: "a", children: [{ label: 3, children: [] }] }] }),
    ).toBe(false);
    expect(validatePartialTreeNode({ children: [{ children: [{}] }] })).toBe(true);
  });
});

describe("a hostile schema cannot inject code", () => {
  it("importing the generated module runs nothing from the schema", () => {
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(Object.keys(hostile).sort()).toEqual([
      "hostileGlobalThisPwned1$XQuoteSingleNewlineUnicodeJsonSchema",
      "hostileGlobalThisPwned1$XQuoteSingleNewlineUnicodeProviderSchemas",
      "hostileGlobalThisPwned1$XQuoteSingleNewlineUnicodeStrictSchema",
      "idCommentBreakJsonSchema",
      "idCommentBreakProviderSchemas",
      "idCommentBreakStrictSchema",
      "streamHostileGlobalThisPwned1$XQuoteSingleNewlineUnicode",
      "streamIdCommentBreak",
      "validateHostileGlobalThisPwned1$XQuoteSingleNewlineUnicode",
      "validateIdCommentBreak",
      "validatePartialHostileGlobalThisPwned1$XQuoteSingleNewlineUnicode",
      "validatePartialIdCommentBreak",
    ]);
    // An $id with "*/" cannot end the comment Ajv writes it into; the validator still works.
    expect(hostile.validateIdCommentBreak({ n: 1, self: { n: 2 } })).toBe(true);
    expect(hostile.validateIdCommentBreak({ n: "x" })).toBe(false);
  });

  it("schema text survives as data: the emitted schema equals the input, __proto__ included", async () => {
    const { readFileSync } = await import("node:fs");
    const input = JSON.parse(
      readFileSync(new URL("../fixtures/generator/hostile/schemas/hostile.json", import.meta.url), "utf8"),
    );
    const emitted = hostile.hostileGlobalThisPwned1$XQuoteSingleNewlineUnicodeJsonSchema as Record<
      string,
      Record<string, unknown>
    >;
    expect(emitted).toEqual(input);
    expect(Object.hasOwn(emitted.properties as object, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(emitted.properties)).toBe(Object.prototype);
  });

  it("its validator handles hostile keys without touching Object.prototype", () => {
    const validate = hostile.validateHostileGlobalThisPwned1$XQuoteSingleNewlineUnicode;
    expect(validate(JSON.parse('{"choice": "it\'s", "constructor": "c", "line\\nbreak": true}'))).toBe(true);
    expect(validate({ choice: "nope" })).toBe(false);
    // Ajv never validates a "__proto__" property (generation warns about it): with additionalProperties
    // false it is rejected, and nothing reaches the prototype.
    expect(validate(JSON.parse('{"choice": "it\'s", "__proto__": {"polluted": true}}'))).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("schema patterns run in linear time on model text: pattern, patternProperties and propertyNames", () => {
    // JavaScript's RegExp takes seconds to minutes on each of these (nested quantifiers, 30+ characters).
    const a30 = "a".repeat(30);
    const started = performance.now();
    for (const validate of [validateBacktrackingPatterns, validatePartialBacktrackingPatterns]) {
      expect(validate({ code: `${a30}!` })).toBe(validate === validatePartialBacktrackingPatterns); // pattern: a prefix passes
      expect(validate({ labels: { [a30]: "not a number" } })).toBe(false); // patternProperties applies
      expect(validate({ labels: { [`${"a".repeat(29)}b`]: "free" } })).toBe(true); // and this one does not
    }
    expect(validateBacktrackingPatterns({ labels: { [`${a30}!`]: 1 } })).toBe(false); // propertyNames
    expect(validateBacktrackingPatterns({ code: a30, labels: { [a30]: 1 } })).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
