import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { chromium } from "playwright-core";
import type { CaseReport } from "../../report/caseReport";
import { reportHtml } from "../../report";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = path.resolve(".local");
const LONG_REASON = "Billing question about a refund that never arrived";
const AGENT_0105 = "5e1c9a20-7b3d-4f6e-9c1a-2b3c4d5e0105";
const CREATED = [9, 7, 11, 8, 10, 4, 3, 12, 9, 8, 10, 11, 5, 10];
const CLOSED = [2, 5, 7, 9, 6, 3, 2, 8, 10, 7, 9, 8, 4, 8];
const HOUR = 3_600;
const DAY = 86_400;

/** Two weeks of a small contact centre: 5 case reasons, 2 templates, 5 agents, 5 event types. */
const REPORT: CaseReport = {
  asOf: "2026-11-30T17:45:12.000Z",
  casesByStatus: { open: 23, pending: 6, closed: 85, deleted: 3 },
  createdVsClosedPerDay: CREATED.map((created, i) => ({ day: `2026-11-${String(17 + i).padStart(2, "0")}`, created, closed: CLOSED[i] })),
  timeToClose: {
    overall: { cases: 88, medianSeconds: 5.7 * HOUR, p90Seconds: 2.2 * DAY },
    byReason: {
      [LONG_REASON]: { cases: 14, medianSeconds: 1.5 * DAY, p90Seconds: 4 * DAY },
      "Change of delivery address": { cases: 21, medianSeconds: 1.5 * HOUR, p90Seconds: 8 * HOUR },
      "Damaged item": { cases: 19, medianSeconds: 4 * HOUR, p90Seconds: 26 * HOUR },
      "Product information": { cases: 17, medianSeconds: 45 * 60, p90Seconds: 3 * HOUR },
      "Shipment lost": { cases: 17, medianSeconds: 20 * HOUR, p90Seconds: 3 * DAY },
    },
    byTemplate: {
      "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a": { cases: 27, medianSeconds: 8 * HOUR, p90Seconds: 2.5 * DAY },
      "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f": { cases: 61, medianSeconds: 5 * HOUR, p90Seconds: 2 * DAY },
    },
  },
  openByAge: [
    { age: "< 1 day", cases: 7 },
    { age: "1-3 days", cases: 9 },
    { age: "3-7 days", cases: 8 },
    { age: ">= 7 days", cases: 5 },
  ],
  busiestAgents: [
    { agent: AGENT_0105, events: 198, cases: 33 },
    { agent: "9b7f3e11-2c4d-4a5b-8e6f-7a8b9c0d2231", events: 171, cases: 28 },
    { agent: "c3d2e1f0-a9b8-4c7d-9e6f-5a4b3c2d7718", events: 150, cases: 25 },
    { agent: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4466", events: 96, cases: 16 },
    { agent: "arn:aws:sts::123456789012:assumed-role/CasesIntegration/sync-job", events: 41, cases: 6 },
  ],
  templateNames: { "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f": "Delivery issue" },
  eventsByType: { "CASE.CREATED": 117, "CASE.DELETED": 3, "CASE.UPDATED": 402, "CASE.RELATED_ITEM.CREATED": 156, "CASE.RELATED_ITEM.UPDATED": 12 },
  engine: "the lake's SQL",
  queries: 8,
};

const EMPTY_REPORT: CaseReport = {
  asOf: "2026-11-30T17:45:12.000Z",
  casesByStatus: {},
  createdVsClosedPerDay: [],
  timeToClose: { byReason: {}, byTemplate: {} },
  openByAge: REPORT.openByAge.map((bucket) => ({ ...bucket, cases: 0 })),
  busiestAgents: [],
  templateNames: {},
  engine: "the lake's SQL",
  eventsByType: {},
  queries: 4,
};

/** What `npm start` passes: the run summary, metrics nested. */
const FACTS = {
  input: "500 generated cases (seed 7)",
  events: 2627,
  deliveries: 2890,
  invocations: 31,
  seconds: 7.42,
  metrics: { EventsStored: 2401, DuplicatesSkipped: 226 },
  lake: { dir: "/tmp/lake", rows: { case_events: 1633, case_related_item_events: 768 } },
};

/** The HTML of the figure titled `title`. */
function figure(html: string, title: string): string {
  const found = html.split("<figure").find((part) => part.includes(`<h2>${title}</h2>`));
  if (!found) throw new Error(`no figure titled ${title}`);
  return found.slice(0, found.indexOf("</figure>"));
}

/** The text of each <text> element of the SVGs in `html`, its lines joined by spaces. */
const svgTexts = (html: string): string[] =>
  [...html.matchAll(/<text\b[^>]*>(.*?)<\/text>/gs)].map(([, inner]) => inner.replace(/<[^>]+>/g, " ").replace(/[ \t\n]+/g, " ").trim());

/** The KPI header as "label: value" lines. */
const kpis = (html: string): string[] =>
  [...html.matchAll(/<div class="label">(.*?)<\/div><div class="value">(.*?)<\/div>/g)].map(([, label, value]) => `${label}: ${value}`);

describe("the HTML report", function () {
  this.timeout(20_000);
  let html: string;
  let emptyHtml: string;

  before(async () => {
    [html, emptyHtml] = await Promise.all([reportHtml(REPORT, FACTS), reportHtml(EMPTY_REPORT, FACTS)]);
  });

  it("is one self-contained page: no script, stylesheet link or network address", () => {
    for (const page of [html, emptyHtml]) {
      expect(page).to.match(/^<!doctype html>/);
      expect(page).not.to.match(/<script|<link|<iframe|@import|url\((?!#)|https?:\/\/(?!www\.w3\.org\/)/i);
    }
  });

  it("opens with the KPIs: open now, created and closed in the period, median and p90 time to close, backlog over 7 days", () => {
    expect(kpis(html)).to.deep.equal([
      "Open now: 29",
      "Created: 117",
      "Closures: 88",
      "Median time to close: 5.7 h",
      "p90 time to close: 2.2 d",
      "Backlog over 7 days: 5",
    ]);
  });

  it("states the period the report covers", () => {
    expect(html).to.include("17 Nov 2026 – 30 Nov 2026 (14 days)");
  });

  it("writes each count on its bar", () => {
    const texts = svgTexts(figure(html, "Cases by status"));
    expect(texts).to.include.members(["23", "6", "85", "3"]);
    expect(svgTexts(figure(html, "Created vs closed per day"))).to.include.members(CREATED.concat(CLOSED).map(String));
  });

  it("writes each median and p90 on its bar and the unit on the axis", () => {
    const chart = figure(html, "Time to close by case reason");
    expect(svgTexts(chart)).to.include.members(["1.5 d", "4.0 d", "1.5 h", "8.0 h", "45 min", "3.0 h", "20.0 h", "3.0 d"]);
    expect(svgTexts(chart)).to.include("time to close (days)");
  });

  it("draws gridlines behind the bars", () => {
    expect(figure(html, "Busiest agents")).to.include("role-axis-grid");
  });

  it("writes a long case reason whole, wrapped in the chart and in one piece in its table", () => {
    const chart = figure(html, "Time to close by case reason");
    expect(svgTexts(chart)).to.include(LONG_REASON);
    expect(chart).to.include(`<td>${LONG_REASON}</td>`);
    // Vega marks a label it cuts with a trailing ellipsis.
    expect(svgTexts(html).filter((text) => text.endsWith("…"))).to.deep.equal([]);
  });

  it("labels an agent by the end of the Connect user id, the full id in the table", () => {
    const chart = figure(html, "Busiest agents");
    expect(svgTexts(chart)).to.include("Agent\u00a0…0105");
    expect(chart).to.include(`<td class="alias">Agent\u00a0…0105</td><td class="id">${AGENT_0105}</td>`);
  });

  it("names a template by the name the domain gives it, else by a short id", () => {
    expect(svgTexts(figure(html, "Time to close by template"))).to.include.members(["Delivery issue", "Template\u00a0…7f6a"]);
  });

  it("names related-item events as people say them", () => {
    expect(svgTexts(figure(html, "Events by type"))).to.include.members(["Related item created", "Case created"]);
  });

  it("labels an agent that is an IAM principal by its name", () => {
    expect(svgTexts(figure(html, "Busiest agents"))).to.include("CasesIntegration/sync-job");
  });

  it("adds characters to agent labels until they tell the agents apart", async () => {
    const twins = ["00000000-0000-4000-8000-00000000a105", "00000000-0000-4000-8000-00000000b105"];
    const page = await reportHtml({ ...REPORT, busiestAgents: twins.map((agent) => ({ agent, events: 1, cases: 1 })) });
    expect(svgTexts(figure(page, "Busiest agents"))).to.include.members(["Agent\u00a0…a105", "Agent\u00a0…b105"]);
  });

  it("shows 'No cases yet' for an empty report instead of empty charts", () => {
    expect(emptyHtml).to.include("No cases yet");
    expect(emptyHtml).not.to.include("<svg");
  });

  it("says a chart has no data instead of drawing empty axes", async () => {
    const page = await reportHtml({ ...REPORT, timeToClose: { byReason: {}, byTemplate: {} } });
    expect(figure(page, "Time to close by case reason")).to.include("No closed cases yet").and.not.include("<svg");
    expect(kpis(page)).to.include("Median time to close: –");
  });

  it("draws a period too long for bars as lines on a gridlined axis", async () => {
    const days = Array.from({ length: 60 }, (_, i) => ({ day: new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10), created: i % 7, closed: i % 5 }));
    const chart = figure(await reportHtml({ ...REPORT, createdVsClosedPerDay: days }), "Created vs closed per day");
    expect(chart).to.include("role-axis-grid").and.include("mark-line");
  });

  it("reads a report with missing parts and bigint counts, as a SQL engine may return them", async () => {
    const partial = { asOf: REPORT.asOf, casesByStatus: { open: 3n, closed: 2n }, createdVsClosedPerDay: [{ day: "2026-11-30", created: 5n, closed: 2n }] };
    const page = await reportHtml(partial as unknown as CaseReport);
    expect(kpis(page)).to.include.members(["Open now: 3", "Created: 5", "Closures: 2", "Backlog over 7 days: –"]);
    expect(figure(page, "Busiest agents")).to.include("No agent activity recorded.");
  });

  it("escapes text from the data", async () => {
    const page = await reportHtml({ ...REPORT, casesByStatus: { '<img src=x onerror="alert(1)">': 1 } }, { input: "<b>events</b>" });
    expect(page).not.to.include("<img").and.not.include("<b>");
    expect(page).to.include("&lt;b&gt;events&lt;/b&gt;");
  });

  it("keeps the run's technical facts in the footer", () => {
    const footer = html.slice(html.indexOf("<footer"));
    for (const fact of ["input", "500 generated cases (seed 7)", "deliveries", "2,890", "metrics: EventsStored", "2,401", "report queries", "8", REPORT.asOf,
      "lake: rows: case_events", "1,633"]) {
      expect(footer).to.include(`>${fact}<`);
    }
    expect(footer).not.to.include("[object Object]");
  });

  it("reads in headless Chromium: no text overflows its chart or box, no console errors, no requests", async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Chromium with \`apt-get install -y chromium\` (Debian)`);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "report-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
    });
    try {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      for (const [name, page] of [["report-screenshot.png", html], ["report-empty-screenshot.png", emptyHtml]]) {
        const file = path.join(profile, "report.html");
        fs.writeFileSync(file, page);
        const tab = await context.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        tab.on("console", (message) => message.type() === "error" && errors.push(message.text()));
        tab.on("pageerror", (error) => errors.push(error.message));
        tab.on("request", (request) => request.url().startsWith("file:") || requests.push(request.url()));
        await tab.goto(`file://${file}`);
        // A string, not a function: the test project has no DOM types.
        const overflows = await tab.evaluate(`(() => {
          const problems = [];
          for (const svg of document.querySelectorAll("svg")) {
            const box = svg.getBoundingClientRect();
            for (const text of svg.querySelectorAll("text")) {
              const r = text.getBoundingClientRect();
              if (r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5)) problems.push("text " + JSON.stringify(text.textContent));
            }
          }
          for (const box of document.querySelectorAll("figure, .kpi, table, footer, .nodata")) {
            if (box.scrollWidth > box.clientWidth + 1) problems.push(box.tagName + " " + (box.querySelector("h2, .label")?.textContent ?? ""));
          }
          return problems;
        })()`);
        await tab.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
        await tab.close();
        expect({ page: name, overflows, errors, requests }).to.deep.equal({ page: name, overflows: [], errors: [], requests: [] });
      }
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
