// Every link in every email opens a working portal page: the firm's invitation
// and a reset (the set-password page), a recovery (its page, then the identity
// check's), the recovery's approval and the firm's documents (the start page and
// the case, after signing in).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ADMIN,
  ADMIN_PASSWORD,
  BASE,
  type Browser,
  CLIENT,
  advanceClock,
  api,
  emails,
  expectAccessible,
  heading,
  nextEmail,
  openBrowser,
  portalLinks,
} from "./browser";

const CASE_TITLES = ["Estate of Doe", "Doe v. Roe"];

interface User {
  id: string;
  email: string;
}

let admin = "";
let browser: Browser;

beforeAll(async () => {
  await advanceClock(16 * 60);
  const signedIn = await api<{ session_token: string }>("POST", "/auth/password", {
    email: ADMIN,
    password: ADMIN_PASSWORD,
  });
  admin = signedIn.session_token;
});
beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser.close();
});

// The one link of `kind` (a path) in the next email to `to`.
async function linkInNextEmail(to: string, before: number, kind: string): Promise<string> {
  const email = await nextEmail(to, before);
  const link = portalLinks(email).find((href) => new URL(href).pathname === kind);
  expect(link, `${kind} in ${email.subject}`).toBeDefined();
  return link ?? "";
}


async function open(page: Page, link: string, title: string | RegExp): Promise<void> {
  await page.goto(link);
  await expect.poll(() => heading(page)).toMatch(title);
  await expectAccessible(page);
}

describe("every emailed link", () => {
  test("of a firm user's invitation, reset and recovery opens its page, which works", async () => {
    const { page } = browser;
    const email = `sam-${Date.now()}@example.com`;
    const sam = await api<User>(
      "POST",
      "/firm/users",
      { email, name: "Sam Staff", role: "staff", language: "en" },
      admin,
    );

    // The invitation: choose a password.
    const invitation = await linkInNextEmail(email, 0, "/auth/reset");
    await open(page, invitation, "Choose a new password");
    for (const label of ["New password", "New password again"]) {
      await page.getByLabel(label, { exact: true }).fill("a long and unusual passphrase 7");
    }
    await page.getByRole("button", { name: "Set the password" }).click();
    await page.getByText("Your new password is set.").waitFor();
    // The same link again is spent.
    await open(page, invitation, "Choose a new password");
    for (const label of ["New password", "New password again"]) {
      await page.getByLabel(label, { exact: true }).fill("another long passphrase 8");
    }
    await page.getByRole("button", { name: "Set the password" }).click();
    await page.getByText("This link has expired or has already been used. Ask for a new one.").waitFor();

    // A forgotten password: the reset email's link opens the same page.
    await api("POST", "/auth/password/reset-request", { email });
    await open(page, await linkInNextEmail(email, 1, "/auth/reset"), "Choose a new password");

    // A recovery: the link's page, then the identity check's.
    await api("POST", `/firm/users/${sam.id}/recovery`, undefined, admin);
    await open(page, await linkInNextEmail(email, 2, "/recovery"), "Recover your account");
    await page.getByText(/^This link works until /).waitFor();
    await page.getByRole("button", { name: "Confirm who I am" }).click();
    await page.getByRole("link", { name: "Continue to the identity check" }).click();
    await expect.poll(() => heading(page)).toBe("Your identity check");
    expect(new URL(page.url()).pathname).toBe("/recovery/review");
    await expectAccessible(page);

    // Approved: the email points to the portal's start page.
    const { recoveries } = await api<{ recoveries: { recovery_id: string; user: User; status: string }[] }>(
      "GET",
      "/firm/recoveries",
      undefined,
      admin,
    );
    const pending = recoveries.find((r) => r.user.id === sam.id && r.status === "pending_verification");
    expect(pending).toBeDefined();
    await api("POST", `/firm/recoveries/${pending?.recovery_id}/decision`, { approved: true, note: "Called back" }, admin);
    await open(page, await linkInNextEmail(email, 3, "/"), "Sign in");
  });

  test("of documents the firm shares opens the case, after signing in", async () => {
    const { page } = browser;
    const { cases } = await api<{ cases: { id: string; title: string }[] }>("GET", "/cases", undefined, admin);
    const shared = cases[cases.length - 1];
    if (!shared) throw new Error("the demo cases");
    const before = (await emails(CLIENT)).length;
    const body = Buffer.from("The signed agreement.\n");
    const { documents } = await api<{ documents: { upload: { url: string; headers: Record<string, string> } }[] }>(
      "POST",
      `/cases/${shared.id}/documents`,
      { files: [{ file_name: "agreement.txt", content_type: "text/plain", size_bytes: body.length }], message: "For your records." },
      admin,
    );
    const upload = documents[0]?.upload;
    if (!upload) throw new Error("an upload URL");
    const put = await fetch(upload.url, { method: "PUT", headers: upload.headers, body });
    expect(put.status).toBe(200);

    // The client's email signs in and opens the case.
    const shareLink = await linkInNextEmail(CLIENT, before, "/auth/verify");
    expect(new URL(shareLink).searchParams.get("case")).toBe(shared.id);
    await open(page, shareLink, "Finish signing in");
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await expect.poll(() => heading(page)).toBe(shared.title);
    expect(page.url()).toBe(`${BASE}/cases/${shared.id}`);
    await page.getByRole("button", { name: "Download agreement.txt" }).waitFor();
    await expectAccessible(page);
  });

  test("to a case, opened signed out, opens that case once signed in", async () => {
    const { page } = browser;
    // The client (signed in by the test before) sends a file: the firm's notice
    // links to the case.
    const firmBefore = (await emails(ADMIN)).length;
    const caseId = new URL(page.url()).pathname.split("/").pop() ?? "";
    await page.evaluate(async (id) => {
      const body = new Blob(["Signed and returned.\n"], { type: "text/plain" });
      const answer = await fetch(`/api/cases/${id}/documents`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ files: [{ file_name: "returned.txt", content_type: "text/plain", size_bytes: body.size }] }),
      });
      const { documents } = (await answer.json()) as { documents: { upload: { url: string; headers: Record<string, string> } }[] };
      const upload = documents[0]?.upload;
      if (!upload) throw new Error("an upload URL");
      await fetch(upload.url, { method: "PUT", headers: { "content-type": "text/plain" }, body });
    }, caseId);
    const caseLink = await linkInNextEmail(ADMIN, firmBefore, `/cases/${caseId}`);
    await page.context().clearCookies();
    await open(page, caseLink, "Sign in");
    const before = (await emails(CLIENT)).length;
    await page.getByLabel("Email address").fill(CLIENT);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await open(page, await linkInNextEmail(CLIENT, before, "/auth/verify"), "Finish signing in");
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await page.waitForURL(caseLink);
    await expect.poll(() => heading(page)).toMatch(new RegExp(`^(${CASE_TITLES.join("|")})$`));
    await page.getByRole("button", { name: "Download returned.txt" }).waitFor();
  });

  test("in the whole outbox leads to a page of the portal", async () => {
    const { page } = browser;
    const links = new Map<string, string>();
    for (const email of await emails()) {
      for (const link of portalLinks(email)) links.set(new URL(link).pathname.replace(/[\w-]{36}$/, "{id}"), link);
    }
    expect([...links.keys()].sort()).toEqual(
      expect.arrayContaining(["/", "/auth/reset", "/auth/verify", "/cases/{id}", "/recovery"]),
    );
    for (const [kind, link] of links) {
      await page.goto(link);
      await page.getByRole("heading", { level: 1 }).waitFor();
      expect(await heading(page), kind).not.toBe("Page not found");
    }
  });
});
