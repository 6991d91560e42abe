import { z } from "zod/v3";

/**
 * Realistic structured-output models written with zod v3 (the API most apps using zod-to-json-schema or
 * openai's `zodResponseFormat` have), each with values that zod itself accepts. The same models, in v4's
 * idiom, are in zod4-models.ts.
 */

enum Priority {
  Low = "low",
  Medium = "medium",
  High = "high",
}

const lineItem = z.object({
  sku: z.string().regex(/^[A-Z]{3}-\d{4}$/),
  description: z.string().min(1).max(200).describe("What was sold"),
  quantity: z.number().int().positive(),
  unitPrice: z.number().nonnegative(),
  discount: z.number().min(0).max(1).optional(),
});

const invoice = z
  .object({
    id: z.string().uuid(),
    issuedAt: z.string().datetime(),
    customer: z.object({
      name: z.string(),
      email: z.string().email(),
      website: z.string().url().optional(),
      phone: z.string().nullable(),
    }),
    currency: z.enum(["USD", "EUR", "GBP"]),
    priority: z.nativeEnum(Priority),
    items: z.array(lineItem).min(1).max(50),
    tags: z.array(z.string()).default([]),
    notes: z.string().nullish(),
    paid: z.boolean(),
    version: z.literal(2),
  })
  .describe("An invoice extracted from an email");

const clickEvent = z.object({ type: z.literal("click"), x: z.number(), y: z.number() });
const event = z.discriminatedUnion("type", [
  clickEvent,
  z.object({
    type: z.literal("keypress"),
    key: z.string().length(1),
    modifiers: z.array(z.enum(["ctrl", "alt", "shift"])),
  }),
  z.object({ type: z.literal("scroll"), delta: z.number(), target: z.string().optional() }),
]);
/** The same union twice: zod-to-json-schema refers to the first place it appears ("#/properties/events/items"). */
const timeline = z.object({ session: z.string(), events: z.array(event), lastEvent: event.nullable() });

interface Comment {
  author: string;
  text: string;
  score: number;
  replies: Comment[];
}
const comment: z.ZodType<Comment> = z.lazy(() =>
  z.object({ author: z.string(), text: z.string(), score: z.number().int(), replies: z.array(comment) }),
);
const thread = z.object({ title: z.string(), root: comment });

const person = z.object({ name: z.string(), age: z.number().int().min(0).max(150) });
const employee = z.intersection(person, z.object({ employeeId: z.string(), manager: z.string().nullable() }));
const team = z.object({
  name: z.string(),
  lead: person.extend({ since: z.string().date() }),
  members: z.array(employee),
});

const measurement = z.object({
  value: z.union([z.number(), z.string()]),
  unit: z.enum(["cm", "in"]).optional(),
  range: z.tuple([z.number(), z.number()]),
  label: z.string().nullable().optional(),
  confidence: z.number().gt(0).lte(1),
});

const wordCounts = z.object({ document: z.string(), counts: z.record(z.string(), z.number().int().nonnegative()) });
const keyValue = z.object({ pair: z.tuple([z.string(), z.number()]), meta: z.unknown() });

enum Level {
  Debug,
  Info,
}
enum Mixed {
  Text = "text",
  Two = 2,
}
interface Category {
  name: string;
  children: Category[];
}
/** Recursive at the root: zod-to-json-schema refers to the root itself ("$ref": "#"). */
const category: z.ZodType<Category> = z.lazy(() => z.object({ name: z.string(), children: z.array(category) }));

/** Less common zod features whose JSON Schema output users still send. */
const settings = z.object({
  level: z.nativeEnum(Level),
  mixed: z.nativeEnum(Mixed),
  literals: z.union([z.literal("a"), z.literal("b"), z.literal(3)]),
  nothing: z.null(),
  step: z.number().multipleOf(5),
  link: z.string().startsWith("https://"),
  host: z.string().ip(),
  emoji: z.string().emoji(),
  passthrough: z.object({ a: z.string() }).passthrough(),
  closed: z.object({ a: z.string() }).strict(),
  catchall: z.object({ a: z.string() }).catchall(z.number()),
  keyed: z.record(z.enum(["x", "y"]), z.number()),
  withDefault: z.string().optional().default("d"),
  nullDefault: z.number().nullable().default(null),
  atLeastOne: z.array(z.number()).nonempty(),
  readonly: z.array(z.string()).readonly(),
  branded: z.string().brand("UserId"),
  when: z.string().datetime({ offset: true }),
  // Not z.string().time(): zod accepts "12:34:56", which the "time" format written for it (RFC 3339
  // full-time, as Ajv and the JSON Schema spec read it) rejects for lack of a UTC offset.
});

/** Types JSON has no value for, as zod-to-json-schema writes them (values come from the schema only). */
const nonJson = z.object({
  when: z.date(),
  big: z.bigint(),
  unique: z.set(z.string()),
  pairs: z.map(z.string(), z.number()),
  length: z.string().transform((s) => s.length),
  fallback: z.number().catch(0),
});

export const zod3Models = {
  category,
  settings,
  nonJson,
  invoice,
  timeline,
  thread,
  team,
  measurement,
  wordCounts,
  keyValue,
};

export const zod3Instances: Record<keyof typeof zod3Models, unknown[]> = {
  category: [
    {
      name: "root",
      children: [
        { name: "a", children: [] },
        { name: "b", children: [{ name: "c", children: [] }] },
      ],
    },
  ],
  settings: [
    {
      level: 1,
      mixed: "text",
      literals: 3,
      nothing: null,
      step: 15,
      link: "https://example.com",
      host: "192.168.0.1",
      emoji: "🎉",
      passthrough: { a: "x", extra: [1] },
      closed: { a: "y" },
      catchall: { a: "z", n: 1, m: 2.5 },
      keyed: { x: 1, y: 2 },
      withDefault: "v",
      nullDefault: null,
      atLeastOne: [1],
      readonly: ["r"],
      branded: "u-1",
      when: "2024-01-01T00:00:00+02:00",
    },
    {
      level: 0,
      mixed: 2,
      literals: "b",
      nothing: null,
      step: -5,
      link: "https://",
      host: "::1",
      emoji: "👍👍",
      passthrough: { a: "" },
      closed: { a: "" },
      catchall: { a: "" },
      keyed: { x: 0 },
      nullDefault: 4,
      atLeastOne: [1, 2, 3],
      readonly: [],
      branded: "",
      when: "2024-01-01T00:00:00Z",
    },
  ],
  nonJson: [],
  invoice: [
    {
      id: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
      issuedAt: "2024-05-01T12:30:00Z",
      customer: { name: "Ada", email: "ada@example.com", website: "https://ada.dev", phone: null },
      currency: "EUR",
      priority: "high",
      items: [
        { sku: "ABC-1234", description: "Widget", quantity: 3, unitPrice: 9.5, discount: 0.1 },
        { sku: "XYZ-0001", description: 'Gadget "deluxe"', quantity: 1, unitPrice: 0 },
      ],
      tags: ["q2", "priority"],
      notes: null,
      paid: false,
      version: 2,
    },
    {
      id: "a3bb189e-8bf9-3888-9912-ace4e6543002",
      issuedAt: "2023-12-31T23:59:59.123Z",
      customer: { name: "Bob Tables", email: "bob@example.org", phone: "+44 20 7946 0958" },
      currency: "USD",
      priority: "low",
      items: [{ sku: "QQQ-9999", description: "Ünïcödé ✓", quantity: 12, unitPrice: 1234.5 }],
      tags: [],
      notes: "Paid by wire\nsee attachment",
      paid: true,
      version: 2,
    },
  ],
  timeline: [
    {
      session: "s-1",
      events: [
        { type: "click", x: 10, y: 20.5 },
        { type: "keypress", key: "k", modifiers: ["ctrl", "shift"] },
        { type: "scroll", delta: -3, target: "#main" },
        { type: "scroll", delta: 1 },
      ],
      lastEvent: { type: "keypress", key: "q", modifiers: [] },
    },
    { session: "s-2", events: [], lastEvent: null },
  ],
  thread: [
    {
      title: "Partial JSON",
      root: {
        author: "a",
        text: "first",
        score: 3,
        replies: [
          { author: "b", text: "reply", score: -1, replies: [] },
          { author: "c", text: "deep", score: 0, replies: [{ author: "d", text: "deeper", score: 7, replies: [] }] },
        ],
      },
    },
  ],
  team: [
    {
      name: "Platform",
      lead: { name: "Grace", age: 45, since: "2020-01-15" },
      members: [
        { name: "Linus", age: 30, employeeId: "E-1", manager: "Grace" },
        { name: "Ken", age: 60, employeeId: "E-2", manager: null },
      ],
    },
  ],
  measurement: [
    { value: 12.5, unit: "cm", range: [0, 100], label: "width", confidence: 1 },
    { value: "about 3", range: [-1, 1], label: null, confidence: 0.25 },
    { value: 0, range: [1, 2], confidence: 0.5 },
  ],
  wordCounts: [
    { document: "doc.txt", counts: { the: 12, partial: 3, "": 0 } },
    { document: "empty", counts: {} },
  ],
  keyValue: [
    { pair: ["answer", 42], meta: { anything: [1, "two", null] } },
    { pair: ["x", -1.5], meta: null },
    { pair: ["y", 0], meta: "text" },
  ],
};
