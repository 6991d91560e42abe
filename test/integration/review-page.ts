// The review page of every app (the same DOM: #review-text, #submit, #stop, #status, #error, [data-field]; all
// but Next.js's also #close, which removes the streaming component), driven in Debian's headless Chromium (never a
// downloaded browser).
import { existsSync } from "node:fs";
import type { FakeOpenAI } from "@partialgen/runtime/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REVIEW, REVIEW_TEXT, SECRET, UNAUTHORIZED } from "./apps.js";

const CHROMIUM = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

/** What the page showed, recorded at every DOM change from the first paint on. */
interface Shown {
  status: string;
  title: string;
  rating: string;
  pros: number;
  summary: string;
}

function recordShown(): void {
  const states: Shown[] = [];
  (window as unknown as { __shown: Shown[] }).__shown = states;
  const text = (selector: string) => document.querySelector(selector)?.textContent ?? "";
  const record = () =>
    states.push({
      status: document.querySelector("#status")?.getAttribute("data-state") ?? "",
      title: text('[data-field="title"]'),
      rating: text('[data-field="rating"]'),
      pros: document.querySelectorAll('[data-field="pros"] li').length,
      summary: text('[data-field="summary"]'),
    });
  new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
}

/**
 * Records DOM work on finished list elements: a pro is finished once a later one shows, and from then on its <li>
 * must be neither removed nor changed (the framework kept the keyed child as it was).
 */
function recordFinishedWork(): void {
  const work: string[] = [];
  const seen = { pros: 0 };
  Object.assign(window, { __finishedWork: work, __seen: seen });
  // Finished as of the previous batch of mutations: one render may complete a pro and start the next.
  let finished = new Set<Element>();
  new MutationObserver((mutations) => {
    const list = document.querySelector('[data-field="pros"]');
    if (!list) return;
    for (const m of mutations) {
      if (m.target === list)
        for (const node of Array.from(m.removedNodes))
          if (finished.has(node as Element)) work.push(`a finished pro's <li> removed`);
      const target = m.target instanceof Element ? m.target : m.target.parentElement;
      const item = target?.closest('[data-field="pros"] > li');
      if (item && finished.has(item)) work.push(`a finished pro changed (${m.type}): ${item.textContent}`);
    }
    const items = Array.from(list.children);
    seen.pros = Math.max(seen.pros, items.length);
    finished = new Set(items.slice(0, -1));
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

const slowAnswer = { text: JSON.stringify(REVIEW), chunkSize: 4, delayMs: 30 };

/**
 * A Chromium for the enclosing describe, and a way to open the review page in it with `record` installed and the
 * review typed in (the scenarios' common start).
 */
function reviewPages(target: () => { url: string }, record: () => void): () => Promise<Page> {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async () => {
    const page = await browser.newPage();
    await page.addInitScript(record);
    await page.goto(target().url);
    await page.fill("#review-text", REVIEW_TEXT);
    return page;
  };
}

/**
 * The scenarios of a page whose streaming component can be removed (#close): unmounting cancels the request, and
 * finished parts cost no more DOM work. Call inside a describe whose beforeAll has started both servers.
 */
export function componentScenarios(target: () => { url: string; fake: FakeOpenAI }): void {
  const open = reviewPages(target, recordFinishedWork);

  it("removing the streaming component cancels the model's request", async () => {
    const { fake } = target();
    fake.push(slowAnswer);
    const page = await open();
    const errors: Error[] = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.click("#submit");
    await page.waitForFunction(() => (document.querySelector('[data-field="title"]')?.textContent ?? "").length > 5);
    await page.click("#close");
    await page.waitForSelector("#review-text", { state: "detached" });
    await expect.poll(() => fake.received.at(-1)?.closedByClient, { timeout: 10_000 }).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a finished element's keyed child is not touched again while later ones stream", async () => {
    const { fake } = target();
    fake.push({ ...slowAnswer, delayMs: 10 });
    const page = await open();
    await page.click("#submit");
    await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
    const { work, seen } = await page.evaluate(() => {
      const w = window as unknown as { __finishedWork: string[]; __seen: { pros: number } };
      return { work: w.__finishedWork, seen: w.__seen };
    });
    expect(seen.pros).toBe(REVIEW.pros.length); // the case is not vacuous: every pro showed
    expect(work).toEqual([]);
    await page.close();
  });
}

/**
 * The scenarios every review page passes. `target()` gives the page's URL and the fake OpenAI its server talks to;
 * call inside a describe whose beforeAll has started both.
 */
export function reviewPageScenarios(target: () => { url: string; fake: FakeOpenAI }): void {
  const open = reviewPages(target, recordShown);
  const shown = (page: Page) => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);

  it("shows the answer field by field while it streams, then the final value", async () => {
    const { fake } = target();
    fake.push({ ...slowAnswer, delayMs: 10 });
    const page = await open();
    await page.click("#submit");
    await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
    expect(await page.textContent('[data-field="title"]')).toBe(REVIEW.title);
    expect(await page.textContent('[data-field="rating"]')).toBe(REVIEW.rating);
    expect(await page.locator('[data-field="pros"] li').allTextContents()).toEqual(REVIEW.pros);
    expect(await page.locator('[data-field="cons"] li').allTextContents()).toEqual(REVIEW.cons);
    expect(await page.textContent('[data-field="summary"]')).toBe(REVIEW.summary);

    const streaming = (await shown(page)).filter((s) => s.status === "streaming");
    // Intermediate snapshots reached the screen: a title being written, a summary growing, pros one by one.
    expect(streaming.some((s) => s.title !== "" && s.title !== REVIEW.title)).toBe(true);
    expect(new Set(streaming.map((s) => s.summary)).size).toBeGreaterThan(5);
    expect(new Set(streaming.map((s) => s.pros)).size).toBeGreaterThan(2);
    for (const s of streaming) {
      expect(REVIEW.title.startsWith(s.title)).toBe(true);
      expect(REVIEW.summary.startsWith(s.summary)).toBe(true);
      expect(["", REVIEW.rating]).toContain(s.rating); // an enum shows only whole
    }
    expect(JSON.stringify(fake.requests.at(-1))).toContain(REVIEW_TEXT);
    await page.close();
  });

  it("Stop keeps what arrived, shows nothing more, and cancels the model's request", async () => {
    const { fake } = target();
    fake.push(slowAnswer);
    const page = await open();
    await page.click("#submit");
    await page.waitForFunction(() => (document.querySelector('[data-field="title"]')?.textContent ?? "").length > 5);
    await page.click("#stop");
    await page.waitForSelector('#status[data-state="idle"]');
    const kept = await page.textContent("main");
    await expect.poll(() => fake.received.at(-1)?.closedByClient, { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(500);
    expect(await page.textContent("main")).toBe(kept);
    expect(await page.textContent('[data-field="summary"]')).not.toBe(REVIEW.summary);
    await page.close();
  });

  it("the model's server failing mid-stream shows a ConnectionError and keeps what arrived", async () => {
    const { fake } = target();
    fake.push({ ...slowAnswer, disconnectAfter: 120 });
    const page = await open();
    await page.click("#submit");
    await page.waitForSelector('#status[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent("#error")).toMatch(/^ConnectionError/);
    expect(await page.textContent('[data-field="title"]')).toBe(REVIEW.title);
    await page.close();
  });

  it("an upstream 401 shows its class and status on the page, never the provider's message", async () => {
    const { fake } = target();
    fake.push(UNAUTHORIZED);
    const page = await open();
    // Read in full on the way (Chromium may drop the body of a response the page stopped reading).
    const bodies: string[] = [];
    await page.route("**/api/**", async (route) => {
      const response = await route.fetch();
      bodies.push(await response.text());
      await route.fulfill({ response });
    });
    await page.click("#submit");
    await page.waitForSelector('#status[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent("#error")).toMatch(/^ConnectionError \(HTTP 401\)/);
    expect(await page.content()).not.toContain(SECRET);
    expect(bodies).toHaveLength(1);
    expect(bodies.join("")).not.toContain(SECRET);
    await page.close();
  });
}
