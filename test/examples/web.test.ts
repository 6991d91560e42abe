import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAI } from "@partialgen/runtime/testing";
import OpenAI from "openai";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebDemo, type WebDemo } from "../../examples/web/server.js";
import { OUTPUT } from "../generator/helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(OUTPUT, "web");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`${CHROMIUM} not found: the web example's browser test is skipped (apt-get install chromium)`);

describe.skipIf(!haveChromium)("examples/web in headless Chromium", () => {
  let demo: WebDemo;
  let browser: Browser;

  beforeAll(async () => {
    delete process.env.OPENAI_API_KEY; // always the replay here
    demo = await startWebDemo({ replayDelayMs: 20 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const text = (page: Page, pointer: string) => page.locator(`[data-pointer="${pointer}"]`).textContent();

  it("renders intermediate states as the answer streams, then the complete, valid result", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
    await page.goto(demo.url);

    // Early: the first participant's name is being written; nothing after it exists yet.
    await page.waitForFunction(
      () => (document.querySelector('[data-pointer="/users/0/name"]')?.textContent ?? "").length > 0,
    );
    expect(await text(page, "/budget")).toBe("");
    await expect.poll(() => page.locator(".value.writing").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "1-early.png") });

    // Middle: every participant is in, the budget still is not.
    await page.waitForFunction(
      () => document.querySelector('[data-pointer="/users/2/twitter"]')?.textContent === "@CodeMaster2023",
    );
    expect(await text(page, "/users/0/name")).toBe("John Doe");
    expect(await text(page, "/budget")).toBe("");
    expect(await page.locator("#status").textContent()).toContain("recorded answer");
    await page.screenshot({ path: join(SHOTS, "2-middle.png") });

    // Final: complete and validated.
    await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
    expect(await text(page, "/budget")).toBe("$50,000");
    expect(await text(page, "/deadline")).toBe("2024-02-20");
    expect(await text(page, "/location")).toBe("Grand Tech Arena, 4521 Innovation Drive");
    expect(await page.locator("li.user").count()).toBe(3);
    expect(await page.locator(".value.writing").count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, "3-final.png") });
    for (const shot of ["1-early.png", "2-middle.png", "3-final.png"]) expect(existsSync(join(SHOTS, shot))).toBe(true);
  });

  it("model text is rendered as text, never as markup", async () => {
    const evil = '<img src=x onerror="window.__xss=1">';
    const answer = {
      users: [{ name: evil, email: "a@b.co", twitter: "@x" }],
      date: "<b>d</b>",
      location: "l",
      budget: 1,
      deadline: "x",
    };
    const server = await startFakeOpenAI({ responses: [{ text: JSON.stringify(answer), chunkSize: 4 }] });
    const client = {
      client: new OpenAI({ apiKey: "t", baseURL: server.baseURL }),
      model: "m",
      replay: true,
      close: () => server.close(),
    };
    const hostile = await startWebDemo({ client });
    try {
      const page = await browser.newPage();
      await page.goto(hostile.url);
      await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
      expect(await text(page, "/users/0/name")).toBe(evil);
      expect(await text(page, "/date")).toBe("<b>d</b>");
      expect(await page.locator("main img, main b").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    } finally {
      await hostile.close();
    }
  });
});
