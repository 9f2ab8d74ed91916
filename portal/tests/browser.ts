// Debian's Chromium driven by Playwright (playwright-core: no browser download),
// each test in a new empty profile; axe-core checks each page; the dev stack's
// outbox is where the sent email is read back.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page, chromium } from "playwright-core";
import { expect, inject } from "vitest";
import { totp } from "./totp";

export const BASE = inject("baseUrl");
export const CLIENT = "client@example.com";
export const ADMIN = "admin@example.com";
export const ADMIN_PASSWORD = process.env.DEV_ADMIN_PASSWORD ?? "portcullis-demo-2026";

// Without the background-networking flags Chromium keeps trying this machine's
// closed network.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

// A new browser with an empty profile, at `width` pixels (a phone: 375).
export async function openBrowser(width = 1280): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "portcullis-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    viewport: { width, height: 900 },
    acceptDownloads: true,
    locale: "en-GB",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(err.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) {
      problems.push(message.text());
    }
  });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      // No script error and no CSP refusal on any page the test opened.
      expect(problems).toEqual([]);
    },
  };
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

// axe-core on the page as it is now: no serious or critical violation. Run
// through the debugging protocol, which the page's CSP does not govern.
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  expect(serious, page.url()).toEqual([]);
}

export interface SentEmail {
  to: string[];
  subject: string;
  body: string;
}

export async function emails(to?: string): Promise<SentEmail[]> {
  const outbox = (await (await fetch(`${BASE}/_dev/outbox`)).json()) as { emails: SentEmail[] };
  return outbox.emails.filter((email) => to === undefined || email.to.includes(to));
}

// The next email to `to` after the `before` it already had, waiting for it.
export async function nextEmail(to: string, before: number): Promise<SentEmail> {
  for (let tries = 0; tries < 100; tries += 1) {
    const sent = await emails(to);
    const next = sent[before];
    if (next) return next;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`no new email to ${to}`);
}

// The links in an email that point into the portal.
export function portalLinks(email: SentEmail): string[] {
  const links = [...email.body.matchAll(/href="([^"]+)"/g)].map((match) =>
    (match[1] ?? "").replaceAll("&amp;", "&"),
  );
  return [...new Set(links.filter((link) => link.startsWith(BASE)))];
}

export async function api<T>(method: string, path: string, body?: unknown, session?: string): Promise<T> {
  const response = await fetch(`${BASE}/api${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(session ? { authorization: `Bearer ${session}` } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

// Moves the dev stack's clock on (links and sessions expire by it); its new time.
export async function advanceClock(seconds: number): Promise<Date> {
  const answer = await fetch(`${BASE}/_dev/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ seconds }),
  });
  expect(answer.status).toBe(200);
  return new Date(((await answer.json()) as { now: string }).now);
}

export async function heading(page: Page): Promise<string> {
  return (await page.getByRole("heading", { level: 1 }).textContent()) ?? "";
}

export interface TestFirm {
  admin: string;
  password: string;
}

// A firm of the test's own, with an administrator (`/_dev/firms`): a test that
// changes a firm's policy changes this one's, never the demo firm's.
export async function newFirm(): Promise<TestFirm> {
  const tag = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const firm = { admin: `admin-${tag}@example.com`, password: `violet kettle harbour ${tag}` };
  const answer = await fetch(`${BASE}/_dev/firms`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: `Test firm ${tag}`,
      admin_email: firm.admin,
      admin_name: "Alex Admin",
      admin_password: firm.password,
    }),
  });
  expect(answer.status, await answer.clone().text()).toBe(201);
  return firm;
}

// A firm user signs in at /firm/sign-in with a password and no second step.
export async function firmSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${BASE}/firm/sign-in`);
  await page.getByLabel("Email address", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signedIn(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole("button", { name: "Menu" }).count()).toBe(1);
}

// The texts sent to `phone`, oldest first.
export async function texts(phone: string): Promise<string[]> {
  const outbox = (await (await fetch(`${BASE}/_dev/outbox`)).json()) as { sms: { to: string; message: string }[] };
  return outbox.sms.filter((sms) => sms.to === phone).map((sms) => sms.message);
}

// The code of the `count`th text to `phone`, once it is there.
export async function textedCode(phone: string, count: number): Promise<string> {
  await expect.poll(async () => (await texts(phone)).length).toBe(count);
  return /\b(\d{6})\b/.exec((await texts(phone))[count - 1] ?? "")?.[1] ?? "";
}

// The invitee of the firm's invitation email to `email` chooses `password`
// through its link.
export async function acceptInvitation(email: string, password: string): Promise<void> {
  const invitation = portalLinks(await nextEmail(email, 0)).find((link) => link.includes("/auth/reset?token="));
  const token = new URL(invitation ?? "").searchParams.get("token");
  await api("POST", "/auth/password/reset", { token, new_password: password });
}

// A staff member invited by the administrator signed in as `adminSession`, with
// `password`; their address.
export async function inviteStaff(adminSession: string, password: string): Promise<string> {
  const email = `staff-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await api("POST", "/firm/users", { email, name: "Robin Staff", role: "staff", language: "en" }, adminSession);
  await acceptInvitation(email, password);
  return email;
}

// Turns an authenticator app on for the user signed in as `session`, as their
// phone would: its secret and the backup codes.
export async function turnOnApp(session: string, password: string): Promise<{ secret: string; backupCodes: string[] }> {
  const { secret } = await api<{ secret: string }>("POST", "/mfa/totp/enroll", { password }, session);
  const { backup_codes } = await api<{ backup_codes: string[] }>(
    "POST",
    "/mfa/totp/confirm",
    { code: totp(secret, await advanceClock(0)) },
    session,
  );
  return { secret, backupCodes: backup_codes };
}
