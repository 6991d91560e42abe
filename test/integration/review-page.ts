// The review page of apps/next and apps/vite-react (the same DOM: #review-text, #submit, #stop, #status, #error,
// [data-field]), driven in Debian's headless Chromium (never a downloaded browser).
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

const slowAnswer = { text: JSON.stringify(REVIEW), chunkSize: 4, delayMs: 30 };

/**
 * The scenarios every review page passes. `target()` gives the page's URL and the fake OpenAI its server talks to;
 * call inside a describe whose beforeAll has started both.
 */
export function reviewPageScenarios(target: () => { url: string; fake: FakeOpenAI }): void {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript(recordShown);
    await page.goto(target().url);
    await page.fill("#review-text", REVIEW_TEXT);
    return page;
  }
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
    const bodies: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/")) void r.text().then((t) => bodies.push(t));
    });
    await page.click("#submit");
    await page.waitForSelector('#status[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent("#error")).toMatch(/^ConnectionError \(HTTP 401\)/);
    expect(await page.content()).not.toContain(SECRET);
    expect(bodies.join("")).not.toContain(SECRET);
    await page.close();
  });
}
