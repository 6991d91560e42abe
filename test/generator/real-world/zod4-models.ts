import { z } from "zod-v4";

/**
 * The models of zod3-models.ts in zod v4's idiom (top-level string formats, getters for recursion,
 * `.meta()`), converted by v4's own `z.toJSONSchema`. The instances are the same values.
 */

enum Priority {
  Low = "low",
  Medium = "medium",
  High = "high",
}

const lineItem = z.object({
  sku: z.string().regex(/^[A-Z]{3}-\d{4}$/),
  description: z.string().min(1).max(200).describe("What was sold"),
  quantity: z.int().positive(),
  unitPrice: z.number().nonnegative(),
  discount: z.number().min(0).max(1).optional(),
});

const invoice = z
  .object({
    id: z.uuid(),
    issuedAt: z.iso.datetime(),
    customer: z.object({
      name: z.string(),
      email: z.email(),
      website: z.url().optional(),
      phone: z.string().nullable(),
    }),
    currency: z.enum(["USD", "EUR", "GBP"]),
    priority: z.enum(Priority),
    items: z.array(lineItem).min(1).max(50),
    tags: z.array(z.string()).default([]),
    notes: z.string().nullish(),
    paid: z.boolean(),
    version: z.literal(2),
  })
  .meta({ title: "Invoice", description: "An invoice extracted from an email", examples: [] });

const event = z.discriminatedUnion("type", [
  z.object({ type: z.literal("click"), x: z.number(), y: z.number() }),
  z.object({
    type: z.literal("keypress"),
    key: z.string().length(1),
    modifiers: z.array(z.enum(["ctrl", "alt", "shift"])),
  }),
  z.object({ type: z.literal("scroll"), delta: z.number(), target: z.string().optional() }),
]);
const timeline = z.object({ session: z.string(), events: z.array(event), lastEvent: event.nullable() });

const comment = z.object({
  author: z.string(),
  text: z.string(),
  score: z.int(),
  get replies() {
    return z.array(comment);
  },
});
const thread = z.object({ title: z.string(), root: comment });

const person = z.object({ name: z.string(), age: z.int().min(0).max(150) });
const employee = z.intersection(person, z.object({ employeeId: z.string(), manager: z.string().nullable() }));
const team = z.object({ name: z.string(), lead: person.extend({ since: z.iso.date() }), members: z.array(employee) });

const measurement = z.object({
  value: z.union([z.number(), z.string()]),
  unit: z.enum(["cm", "in"]).optional(),
  range: z.tuple([z.number(), z.number()]),
  label: z.string().nullable().optional(),
  confidence: z.number().gt(0).lte(1),
});

const wordCounts = z.object({ document: z.string(), counts: z.record(z.string(), z.int().nonnegative()) });
const keyValue = z.object({ pair: z.tuple([z.string(), z.number()]), meta: z.unknown() });

/** A shared schema registered with an id: v4 emits it under $defs and refers to it. */
const address = z.object({ street: z.string(), city: z.string(), zip: z.string().optional() }).meta({ id: "Address" });
const shipping = z.object({ from: address, to: address, via: z.array(address).max(3) });

enum Level {
  Debug,
  Info,
}
enum Mixed {
  Text = "text",
  Two = 2,
}
const category = z.object({
  name: z.string(),
  get children() {
    return z.array(category);
  },
});

/** Less common v4 features whose JSON Schema output users still send. */
const settings = z.object({
  level: z.enum(Level),
  mixed: z.enum(Mixed),
  literals: z.union([z.literal("a"), z.literal("b"), z.literal(3)]),
  oneOfTwo: z.literal(["x", "y"]),
  nothing: z.null(),
  step: z.number().multipleOf(5),
  id: z.templateLiteral(["id-", z.number()]),
  host: z.ipv4(),
  loose: z.looseObject({ a: z.string() }),
  closed: z.strictObject({ a: z.string() }),
  catchall: z.object({ a: z.string() }).catchall(z.number()),
  keyed: z.record(z.enum(["x", "y"]), z.number()),
  someKeys: z.partialRecord(z.enum(["x", "y"]), z.number()),
  withDefault: z.string().optional().default("d"),
  nullDefault: z.number().nullable().default(null),
  rest: z.tuple([z.string()], z.string()),
  readonly: z.array(z.string()).readonly(),
  old: z.string().meta({ deprecated: true, examples: ["x"], "x-order": 1 }),
  when: z.iso.datetime({ offset: true }),
});

export const zod4Models = {
  invoice,
  timeline,
  thread,
  team,
  measurement,
  wordCounts,
  keyValue,
  shipping,
  category,
  settings,
};

export const zod4ExtraInstances = {
  settings: [
    {
      level: 1,
      mixed: "text",
      literals: 3,
      oneOfTwo: "y",
      nothing: null,
      step: 15,
      id: "id-42",
      host: "10.0.0.1",
      loose: { a: "x", extra: [1] },
      closed: { a: "y" },
      catchall: { a: "z", n: 1 },
      keyed: { x: 1, y: 2 },
      someKeys: { y: 0.5 },
      withDefault: "v",
      nullDefault: null,
      rest: ["a", "b", "c"],
      readonly: ["r"],
      old: "o",
      when: "2024-01-01T00:00:00+02:00",
    },
    {
      level: 0,
      mixed: 2,
      literals: "b",
      oneOfTwo: "x",
      nothing: null,
      step: -5,
      id: "id--1.5",
      host: "127.0.0.1",
      loose: { a: "" },
      closed: { a: "" },
      catchall: { a: "" },
      keyed: { x: 0, y: 0 },
      someKeys: {},
      nullDefault: 4,
      rest: [""],
      readonly: [],
      old: "",
      when: "2024-01-01T00:00:00Z",
    },
  ],
  shipping: [
    {
      from: { street: "1 Main St", city: "Springfield" },
      to: { street: "2 Side Rd", city: "Shelbyville", zip: "12345" },
      via: [{ street: "Hub", city: "Capital City" }],
    },
  ],
};
