import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAI } from "@partialgen/runtime/testing";
import OpenAI from "openai";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORDED_ANSWER, tokenLikeChunkSizes } from "../../examples/meeting/replay.js";
import { startWebDemo, type WebDemo } from "../../examples/web/server.js";
import { OUTPUT } from "../generator/helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = join(OUTPUT, "web");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`${CHROMIUM} not found: the web example's browser test is skipped (apt-get install chromium)`);

/** A web demo over a scripted model (each extraction takes one answer). */
async function demoWith(answers: Parameters<typeof startFakeOpenAI>[0]["responses"]): Promise<WebDemo> {
  const server = await startFakeOpenAI({ responses: answers });
  return startWebDemo({
    client: {
      client: new OpenAI({ apiKey: "t", baseURL: server.baseURL }),
      baseURL: server.baseURL,
      model: "m",
      replay: true,
      close: () => server.close(),
    },
  });
}

const slowAnswer = (delayMs: number) => ({
  text: RECORDED_ANSWER,
  chunkSize: tokenLikeChunkSizes(RECORDED_ANSWER),
  delayMs,
});

describe.skipIf(!haveChromium)("examples/web in headless Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    delete process.env.OPENAI_API_KEY; // always a replay here
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.GEMINI_API_KEY;
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
  });

  const text = (page: Page, pointer: string) => page.locator(`[data-pointer="${pointer}"]`).textContent();
  const renders = async (page: Page, selector: string) =>
    Number(await page.locator(selector).getAttribute("data-renders"));

  it("fills the cards live with the field in progress marked, then the valid result; one request (StrictMode)", async () => {
    const demo = await demoWith([slowAnswer(20)]);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
      await page.goto(demo.url);

      // Early: the first participant's name is being written; nothing after it exists yet.
      await page.waitForFunction(
        () => (document.querySelector('[data-pointer="/users/0/name"]')?.textContent ?? "").length > 0,
      );
      expect(await text(page, "/budget")).toBe("");
      await expect.poll(() => page.locator(".value.writing").count()).toBeGreaterThan(0);
      expect(await page.locator("#status").getAttribute("aria-live")).toBe("polite");
      expect(await page.locator("#status").textContent()).toBe("Streaming…");
      await page.screenshot({ path: join(SHOTS, "1-early.png") });

      // Middle: every participant is in, the budget still is not.
      await page.waitForFunction(
        () => document.querySelector('[data-pointer="/users/2/twitter"]')?.textContent === "@CodeMaster2023",
      );
      expect(await text(page, "/users/0/name")).toBe("John Doe");
      expect(await text(page, "/budget")).toBe("");
      const firstCardThen = await renders(page, 'li.user[data-index="0"]');
      await page.screenshot({ path: join(SHOTS, "2-middle.png") });

      // Final: complete and validated.
      await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
      expect(await text(page, "/budget")).toBe("$50,000");
      expect(await text(page, "/deadline")).toBe("2024-02-20");
      expect(await text(page, "/location")).toBe("Grand Tech Arena, 4521 Innovation Drive");
      expect(await page.locator("li.user").count()).toBe(3);
      expect(await page.locator(".value.writing").count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, "3-final.png") });
      // StrictMode runs the mount effect twice: still one extraction.
      expect(demo.extractions).toBe(1);

      // Render counts: a finished card does not re-render while the rest streams in.
      const firstCardAtEnd = await renders(page, 'li.user[data-index="0"]');
      const dateRenders = await renders(page, '[data-field="/date"]');
      const appRenders = await renders(page, "main");
      console.log(
        `render counts: page ${appRenders}; first user card ${firstCardThen} -> ${firstCardAtEnd}; date card ${dateRenders}`,
      );
      expect(firstCardAtEnd).toBe(firstCardThen);
      // The date card renders while "2024-03-15" is written (a handful of token-sized chunks), not once per snapshot.
      expect(dateRenders).toBeLessThan(appRenders / 4);
      for (const shot of ["1-early.png", "2-middle.png", "3-final.png"])
        expect(existsSync(join(SHOTS, shot))).toBe(true);
    } finally {
      await demo.close();
    }
  });

  it("no layout jump at the end: the cards keep their boxes when the answer completes", async () => {
    const demo = await demoWith([slowAnswer(15)]);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
      await page.addInitScript(() => {
        const frames: { state: string; deadline: string; boxes: string }[] = [];
        (window as unknown as { __frames: typeof frames }).__frames = frames;
        const tick = () => {
          const boxes = Array.from(document.querySelectorAll("main > .card, #status"))
            .map((el) => {
              const r = el.getBoundingClientRect();
              return `${r.x},${r.y},${r.width},${r.height}`;
            })
            .join(" ");
          frames.push({
            state: document.querySelector("#status")?.getAttribute("data-state") ?? "",
            deadline: document.querySelector('[data-pointer="/deadline"]')?.textContent ?? "",
            boxes,
          });
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      await page.goto(demo.url);
      await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
      await page.waitForTimeout(100);
      const frames = await page.evaluate(
        () => (window as unknown as { __frames: { state: string; deadline: string; boxes: string }[] }).__frames,
      );
      const lastStreaming = frames.filter((f) => f.state === "streaming" && f.deadline === "2024-02-20").at(-1);
      const done = frames.filter((f) => f.state === "done").at(-1);
      expect(lastStreaming, "a frame with every field in and the stream still open").toBeDefined();
      expect(done?.boxes).toBe(lastStreaming?.boxes);
    } finally {
      await demo.close();
    }
  });

  it("Cancel stops the stream: what arrived stays, nothing more comes", async () => {
    const demo = await demoWith([slowAnswer(25)]);
    try {
      const page = await browser.newPage();
      await page.goto(demo.url);
      await page.waitForFunction(
        () => (document.querySelector('[data-pointer="/users/1/name"]')?.textContent ?? "") !== "",
      );
      await page.click("#cancel");
      await page.waitForSelector('#status[data-state="idle"]');
      const shown = await page.locator("main").textContent();
      await page.waitForTimeout(600);
      expect(await page.locator("main").textContent()).toBe(shown);
      expect(await page.locator("#status").textContent()).toContain("Cancelled");
      expect(await text(page, "/budget")).toBe("");
      expect(await page.locator("#again").isEnabled()).toBe(true);
      await page.screenshot({ path: join(SHOTS, "4-cancelled.png") });
      expect(demo.extractions).toBe(1);
    } finally {
      await demo.close();
    }
  });

  it("the server dying mid-stream shows an error, keeps what arrived, and never re-requests on its own", async () => {
    const demo = await demoWith([slowAnswer(25)]);
    try {
      const page = await browser.newPage();
      let requests = 0;
      page.on("request", (r) => {
        if (r.url().endsWith("/api/extract")) requests++;
      });
      await page.goto(demo.url);
      await page.waitForFunction(
        () => (document.querySelector('[data-pointer="/users/0/email"]')?.textContent ?? "") !== "",
      );
      demo.kill();
      await page.waitForSelector('#status[data-state="error"]', { timeout: 10_000 });
      expect(await page.locator("#status").textContent()).toMatch(/ConnectionError/);
      expect(await text(page, "/users/0/name")).toBe("John Doe");
      await page.screenshot({ path: join(SHOTS, "5-server-died.png") });
      await page.waitForTimeout(3500);
      expect(requests).toBe(1);
      expect(await page.locator("#status").getAttribute("data-state")).toBe("error");
    } finally {
      await demo.close();
    }
  });

  for (const width of [375, 360]) {
    it(`no horizontal overflow at ${width} px, while streaming and at the end`, async () => {
      const demo = await demoWith([slowAnswer(5)]);
      try {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        await page.goto(demo.url);
        await page.waitForFunction(
          () => (document.querySelector('[data-pointer="/users/2/name"]')?.textContent ?? "") !== "",
        );
        const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(await overflow()).toBeLessThanOrEqual(0);
        await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
        expect(await overflow()).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(SHOTS, `6-${width}px.png`), fullPage: true });
      } finally {
        await demo.close();
      }
    });
  }

  it("model text is rendered as text, never as markup", async () => {
    const evil = '<img src=x onerror="window.__xss=1">';
    const answer = {
      users: [{ name: evil, email: "a@b.co", twitter: "@x" }],
      date: "<b>d</b>",
      location: "l",
      budget: 1,
      deadline: "x",
    };
    const hostile = await demoWith([{ text: JSON.stringify(answer), chunkSize: 4 }]);
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

  it("npm run demo:web's default (no API key) serves the page and streams the recorded answer", async () => {
    const demo = await startWebDemo({ replayDelayMs: 1 });
    try {
      expect(demo.replay).toBe(true);
      const page = await browser.newPage();
      await page.goto(demo.url);
      await page.waitForSelector('#status[data-state="done"]', { timeout: 30_000 });
      expect(await text(page, "/budget")).toBe("$50,000");
    } finally {
      await demo.close();
    }
  });
});
