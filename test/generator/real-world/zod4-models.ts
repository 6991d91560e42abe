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

export const zod4Models = { invoice, timeline, thread, team, measurement, wordCounts, keyValue, shipping };

export const zod4ExtraInstances = {
  shipping: [
    {
      from: { street: "1 Main St", city: "Springfield" },
      to: { street: "2 Side Rd", city: "Shelbyville", zip: "12345" },
      via: [{ street: "Hub", city: "Capital City" }],
    },
  ],
};
