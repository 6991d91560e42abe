import { describe, expect, it } from "vitest";
import { PartialJSONError } from "../../runtime/parse/parse-error.js";
import {
  ConnectionError,
  ContentFilterError,
  MalformedJSONError,
  RefusalError,
  StreamAbortedError,
  StreamError,
  ToolNotCalledError,
  TruncationError,
  ValidationFailedError,
} from "../../runtime/stream/errors.js";
import { describeError, describesTheAnswer, errorFromRecord, withheldMessage } from "../../runtime/wire/error-table.js";

const details = { partial: { a: 1 }, text: '{"a":1', attempts: 2 };

/** One instance of every error class the browser format carries, with the fields its class adds. */
const CASES: { error: StreamError; fields: Record<string, unknown>; aboutAnswer: boolean }[] = [
  {
    error: new ConnectionError("secret host db.internal", { ...details, code: "http", status: 401 }),
    fields: { code: "http", status: 401 },
    aboutAnswer: false,
  },
  {
    error: new ConnectionError("socket hang up at 10.0.0.7", { ...details, code: "reset" }),
    fields: { code: "reset" },
    aboutAnswer: false,
  },
  { error: new StreamAbortedError("aborted by job 42", details), fields: {}, aboutAnswer: false },
  {
    error: new TruncationError("cut", { ...details, reason: "max_tokens" }),
    fields: { reason: "max_tokens" },
    aboutAnswer: true,
  },
  { error: new RefusalError("no", details), fields: { refusal: "no" }, aboutAnswer: true },
  {
    error: new ValidationFailedError(
      [{ instancePath: "/a", keyword: "type", message: "must be string", params: {}, schemaPath: "#" }],
      ["t1", "t2"],
      details,
    ),
    fields: {
      errors: [{ instancePath: "/a", keyword: "type", message: "must be string", params: {}, schemaPath: "#" }],
    },
    aboutAnswer: true,
  },
  {
    error: new MalformedJSONError(new PartialJSONError("unexpected }", 5, "/a"), details),
    fields: { offset: 5, pointer: "/a" },
    aboutAnswer: true,
  },
  { error: new ContentFilterError("filtered", details), fields: {}, aboutAnswer: true },
  { error: new ToolNotCalledError("no call", details), fields: {}, aboutAnswer: true },
];

describe("the error table: every class crosses the browser format as itself", () => {
  it.each(CASES)("$error.name ($error.message)", ({ error, fields, aboutAnswer }) => {
    const record = JSON.parse(JSON.stringify({ type: "error", ...describeError(error) }));
    const page = errorFromRecord(record, { partial: undefined, text: "page text", attempts: 1 }, ["t1", "t2"]);
    expect(page).toBeInstanceOf(error.constructor);
    expect(page.name).toBe(error.name);
    expect(page.message).toBe(error.message);
    expect(page.attempts).toBe(2);
    expect(page.text).toBe("page text");
    for (const [key, value] of Object.entries(fields))
      expect((page as unknown as Record<string, unknown>)[key]).toEqual(value);
    if (error instanceof MalformedJSONError)
      expect((page as MalformedJSONError).cause.message).toBe(error.cause.message);
    expect(describesTheAnswer(error)).toBe(aboutAnswer);
    // The withheld summary names the class's own code and status, never its message.
    const summary = withheldMessage(error);
    expect(summary).not.toContain(error.message);
    if (error instanceof ConnectionError) expect(summary).toContain(error.code);
  });

  it("every class's own enumerable properties, in order (its fields are set by its constructor, none left out)", () => {
    const base = ["name", "partial", "text", "attempts", "previousErrors"];
    const own: Record<string, string[]> = {
      ConnectionError: ["code", "status"],
      StreamAbortedError: [],
      TruncationError: ["reason"],
      RefusalError: ["refusal"],
      ValidationFailedError: ["errors", "texts"],
      MalformedJSONError: ["offset", "pointer"],
      ContentFilterError: [],
      ToolNotCalledError: [],
    };
    for (const { error } of CASES) {
      expect(Object.keys(error)).toEqual([...base, ...(own[error.name] ?? ["?"])]);
      expect(Object.keys(errorFromRecord(describeError(error), details, []))).toEqual(Object.keys(error));
    }
    expect(Object.keys(new PartialJSONError("x", 1, "/a"))).toEqual(["name", "offset", "pointer"]);
  });

  it("an app's own class keeps its name and is a StreamError in the page; its base's fields still travel", () => {
    class QuotaError extends ConnectionError {
      override name = "QuotaError";
    }
    const error = new QuotaError("over quota", { ...details, code: "http", status: 429 });
    const record = describeError(error);
    expect(record).toMatchObject({ name: "QuotaError", code: "http", status: 429 });
    expect(describesTheAnswer(error)).toBe(false);
    const page = errorFromRecord(record, details, []);
    expect(page).toBeInstanceOf(StreamError);
    expect(page.name).toBe("QuotaError");
  });
});
