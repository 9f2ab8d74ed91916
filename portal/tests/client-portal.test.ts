// A client's whole visit, in Chromium against `make dev`'s stack: sign in by an
// emailed link, both demo cases and the switch between them, two files sent with
// a message (the firm is emailed), one downloaded back, French for the portal and
// the next email, sign out.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  ADMIN,
  BASE,
  type Browser,
  CLIENT,
  advanceClock,
  emails,
  expectAccessible,
  heading,
  nextEmail,
  openBrowser,
  portalLinks,
} from "./browser";

const CASES = ["Estate of Doe", "Doe v. Roe"];

let browser: Browser;
beforeEach(async () => {
  // Past the sign-in link limits' 15-minute window of the previous test.
  await advanceClock(16 * 60);
  browser = await openBrowser();
});
afterEach(async () => {
  await browser.close();
});

// Asks for a sign-in link on the start page; the link the email carries.
async function requestLink(page: Page, submit = "Email me a sign-in link"): Promise<string> {
  const before = (await emails(CLIENT)).length;
  await page.getByRole("textbox").first().fill(CLIENT);
  await page.getByRole("button", { name: submit }).click();
  await page.getByText(/sign-in link is on its way|lien de connexion est en route/).waitFor();
  const email = await nextEmail(CLIENT, before);
  const link = portalLinks(email).find((href) => href.includes("/auth/verify?token="));
  expect(link, email.body).toBeDefined();
  return link ?? "";
}


describe("a client", () => {
  test("signs in by link, switches case, sends and downloads documents, reads it in French, signs out", async () => {
    const { page } = browser;
    await page.goto(`${BASE}/`);
    expect(await heading(page)).toBe("Sign in");
    await expectAccessible(page);

    const link = await requestLink(page);
    await page.goto(link);
    // The token leaves the address bar at once; opening the page spent nothing.
    expect(page.url()).toBe(`${BASE}/auth/verify`);
    expect(await heading(page)).toBe("Finish signing in");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Continue to the portal" }).click();

    await page.waitForURL(/\/cases\/[\w-]+$/);
    await expect.poll(() => heading(page)).toMatch(/^(Estate of Doe|Doe v\. Roe)$/);
    const switcher = page.getByRole("button", { name: "Switch case" });
    expect(await switcher.getAttribute("aria-expanded")).toBe("false");
    await switcher.click();
    expect(await page.locator("#switch-case-list a").allTextContents()).toEqual(expect.arrayContaining(CASES));
    await expectAccessible(page);
    const first = await heading(page);
    const other = CASES.find((title) => title !== first) ?? "";
    const firstUrl = page.url();
    await page.getByRole("link", { name: other }).click();
    await expect.poll(() => heading(page)).toBe(other);
    expect(page.url()).not.toBe(firstUrl);
    // Focus moved to the new page's heading, for keyboard and screen reader users.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");

    // Two files and a message, each straight to its presigned URL.
    const pdf = Buffer.from("%PDF-1.4\n% Portcullis browser test\n" + "x".repeat(200_000));
    const notes = Buffer.from("Notes for my lawyer.\n");
    const firmBefore = (await emails(ADMIN)).length;
    await page.getByLabel("Files to send").setInputFiles([
      { name: "statement.pdf", mimeType: "application/pdf", buffer: pdf },
      { name: "notes.txt", mimeType: "text/plain", buffer: notes },
    ]);
    await page.getByLabel("Message (optional)").fill("Here are the papers you asked for.");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe(
      "Sent 2 files. Your firm is told once they have been checked.",
    );
    const bars = page.locator("ul.progress progress");
    expect(await bars.count()).toBe(2);
    for (const bar of await bars.all()) expect(await bar.getAttribute("value")).toBe("1");
    await expect
      .poll(() => page.getByRole("button", { name: /^Download / }).count(), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2);
    await expectAccessible(page);

    // The firm is emailed once for the two, with the message and a link to the case.
    const notice = await nextEmail(ADMIN, firmBefore);
    expect(notice.body).toContain("Here are the papers you asked for.");
    expect(portalLinks(notice)).toContain(page.url());

    // The newest first, and the download gives back the same bytes.
    const names = await page.locator("li.document .file-name").allTextContents();
    expect(names.slice(0, 2).sort()).toEqual(["notes.txt", "statement.pdf"]);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download statement.pdf" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("statement.pdf");
    expect(readFileSync(await download.path()).equals(pdf)).toBe(true);

    // French, for the portal and every email.
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("button", { name: "Change", exact: true }).click();
    await expect.poll(() => page.getAttribute("html", "lang")).toBe("fr");
    await expect.poll(() => page.getByRole("button", { name: "Envoyer", exact: true }).count()).toBe(1);
    // The Menu is still open, the focus still on the language.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("language-menu");
    expect(await page.getByRole("button", { name: "Menu" }).getAttribute("aria-expanded")).toBe("true");
    expect(await page.getByRole("heading", { level: 2 }).allTextContents()).toEqual([
      "Documents",
      "Envoyer un document",
    ]);
    expect(await page.getByRole("button", { name: "Changer de dossier" }).count()).toBe(1);
    await expectAccessible(page);

    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await expect.poll(() => heading(page)).toBe("Connexion");
    expect(await page.getByText("Vous êtes déconnecté.").count()).toBe(1);
    expect((await page.evaluate(() => fetch("/api/me").then((r) => r.status)))).toBe(401);

    // The next email is French too; back in, the client goes back to English.
    const before = (await emails(CLIENT)).length;
    const again = await requestLink(page, "M'envoyer un lien de connexion");
    const french = (await emails(CLIENT))[before];
    expect(french?.subject).toBe("Votre lien de connexion sécurisé");
    await page.goto(again);
    await page.getByRole("button", { name: "Continuer vers le portail" }).click();
    await page.waitForURL(/\/cases\//);
    await expect.poll(() => heading(page)).toMatch(/Doe/);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByLabel("Langue").selectOption("en");
    await page.getByRole("button", { name: "Changer", exact: true }).click();
    await expect.poll(() => page.getAttribute("html", "lang")).toBe("en");
  });

  test("with an expired link is led to ask for a new one, the email field ready", async () => {
    const { page } = browser;
    await page.goto(`${BASE}/`);
    const link = await requestLink(page);
    await advanceClock(60 * 60 + 1);
    await page.goto(link);
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await expect
      .poll(() => page.locator(".notice").textContent())
      .toBe("This sign-in link has expired or has already been used. Request a new one below.");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("sign-in-email");
    await expectAccessible(page);
    const fresh = await requestLink(page);
    expect(fresh).not.toBe(link);
  });

  test("is told which file is too large or of a refused type, and nothing is sent", async () => {
    const { page } = browser;
    await page.goto(`${BASE}/`);
    await page.goto(await requestLink(page));
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await expect.poll(() => heading(page)).toMatch(/Doe/);
    await page.locator('ul.documents[aria-busy="false"]').waitFor({ state: "attached" });
    const count = await page.locator("li.document").count();
    const files = page.getByLabel("Files to send");
    const send = page.getByRole("button", { name: "Send", exact: true });
    const ok = { name: "fine.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n") };

    await files.setInputFiles([ok, { name: "big.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(6 * 1024 * 1024, 1) }]);
    await send.click();
    await expect.poll(() => page.getByRole("alert").allTextContents()).toContain(
      "big.pdf is too large: the most a file may be is 5.2 MB.",
    );
    await files.setInputFiles([{ name: "setup.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") }, ok]);
    await send.click();
    await expect.poll(() => page.getByRole("alert").allTextContents()).toContain(
      "setup.exe is a type of file the portal does not accept. Send PDF, images, Office or OpenDocument files, plain text, CSV or ZIP.",
    );
    // The field with the refused file has the focus; nothing was stored.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("send-files");
    await page.reload();
    await page.locator('ul.documents[aria-busy="false"]').waitFor({ state: "attached" });
    expect(await page.locator("li.document").count()).toBe(count);
    await expectAccessible(page);
  });

  test("whose session ends with the page open is asked to sign in again, then comes back to the case", async () => {
    const { page } = browser;
    await page.goto(`${BASE}/`);
    await page.goto(await requestLink(page));
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await expect.poll(() => heading(page)).toMatch(/Doe/);
    const caseUrl = page.url();
    await page.locator('ul.documents[aria-busy="false"]').waitFor({ state: "attached" });
    // Past the 30 idle minutes: the next call is refused.
    await advanceClock(31 * 60);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByLabel("Language").selectOption("es");
    await page.getByRole("button", { name: "Change", exact: true }).click();
    await page.getByText("Your session has ended. Please sign in again.").first().waitFor();
    expect(await heading(page)).toBe("Sign in");
    await page.goto(await requestLink(page));
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await page.waitForURL(caseUrl);
    await expect.poll(() => heading(page)).toMatch(/Doe/);
  });

  test("at phone width finds every control and nothing overflows", async () => {
    await browser.close();
    browser = await openBrowser(375);
    const { page } = browser;
    await page.goto(`${BASE}/`);
    await page.goto(await requestLink(page));
    await page.getByRole("button", { name: "Continue to the portal" }).click();
    await page.waitForURL(/\/cases\//);
    await expect.poll(() => heading(page)).toMatch(/Doe/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "Menu" }).click();
    // The Menu's controls are on the screen, not just in the page.
    for (const control of [page.getByRole("button", { name: "Sign out" }), page.getByLabel("Language")]) {
      const box = await control.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? -1) >= 0 && (box?.y ?? -1) >= 0).toBe(true);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(900);
    }
    await page.keyboard.press("Escape");
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
    await expectAccessible(page);
    // The keyboard alone reaches the switch, the file field and Send.
    const reached = new Set<string>();
    for (let tab = 0; tab < 25; tab += 1) {
      await page.keyboard.press("Tab");
      reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || ""));
    }
    expect([...reached]).toEqual(expect.arrayContaining(["switch-case", "send-files", "send-message", "Send"]));
  });
});
