// A firm user's sign-in in Chromium: password, then an authenticator code with
// "Keep me logged in for a week", a texted code, or a backup code (once only).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  ADMIN,
  ADMIN_PASSWORD,
  BASE,
  type Browser,
  advanceClock,
  api,
  expectAccessible,
  heading,
  inviteStaff,
  openBrowser,
  signedIn,
  textedCode,
  turnOnApp,
} from "./browser";
import { totp } from "./totp";

const PASSWORD = "a long and unusual passphrase 9";

let admin = "";
let browser: Browser;
beforeAll(async () => {
  await advanceClock(16 * 60);
  admin = (await api<{ session_token: string }>("POST", "/auth/password", { email: ADMIN, password: ADMIN_PASSWORD }))
    .session_token;
});
beforeEach(async () => {
  browser = await openBrowser();
});
afterEach(async () => {
  await browser.close();
});

// A staff member invited by the administrator, with `PASSWORD`; their session.
async function staff(): Promise<{ email: string; session: string }> {
  const email = await inviteStaff(admin, PASSWORD);
  const { session_token } = await api<{ session_token: string }>("POST", "/auth/password", { email, password: PASSWORD });
  return { email, session: session_token };
}

// `staff()` with an authenticator app: its secret and backup codes.
async function withApp(): Promise<{ email: string; secret: string; backupCodes: string[] }> {
  const { email, session } = await staff();
  return { email, ...(await turnOnApp(session, PASSWORD)) };
}

async function password(page: Page, email: string, keep = false): Promise<void> {
  await page.goto(`${BASE}/`);
  await page.getByRole("link", { name: "Work at the firm? Sign in with your password" }).click();
  await expect.poll(() => heading(page)).toBe("Sign in to your firm");
  await expectAccessible(page);
  await page.getByLabel("Email address", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  if (keep) await page.getByLabel("Keep me logged in for a week").check();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect.poll(() => heading(page)).toBe("Two-step sign-in");
  await expectAccessible(page);
}


describe("a firm user", () => {
  test("signs in with an authenticator code, kept signed in for a week", async () => {
    const { page, context } = browser;
    const user = await withApp();
    await password(page, user.email, true);
    // The next time step: the one the set-up used is spent.
    const now = await advanceClock(30);
    await page.getByLabel("Code from your authenticator app").fill(totp(user.secret, now));
    await page.getByRole("button", { name: "Verify" }).first().click();
    await signedIn(page);
    const session = (await context.cookies()).find((cookie) => cookie.name === "session");
    const lifetime = (session?.expires ?? 0) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(7 * 24 * 3600 - 300);
    expect(lifetime).toBeLessThanOrEqual(7 * 24 * 3600 + 5);
    expect(session?.httpOnly).toBe(true);
    await expectAccessible(page);
  });

  test("signs in with a backup code, which works once only", async () => {
    const { page } = browser;
    const user = await withApp();
    const code = user.backupCodes[0] ?? "";
    const useBackup = async (): Promise<void> => {
      await password(page, user.email);
      await page.getByText("Use backup security code").click();
      await page.getByLabel("Backup security code").fill(code);
      await page.locator("details.backup").getByRole("button", { name: "Verify" }).click();
    };
    await useBackup();
    await signedIn(page);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => heading(page)).toBe("Sign in");
    await useBackup();
    await page.getByText("That code is not right, or it has been used already.").waitFor();
    expect(await page.getByRole("button", { name: "Menu" }).count()).toBe(0);
  });

  test("signs in with a texted code", async () => {
    const { page } = browser;
    const { email, session } = await staff();
    const phone = `+4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;
    await api("POST", "/mfa/sms/enroll", { password: PASSWORD, phone }, session);
    await api("POST", "/mfa/sms/confirm", { code: await textedCode(phone, 1) }, session);
    // Past the minute between two texts.
    await advanceClock(61);
    await password(page, email);
    await page.getByRole("button", { name: "Text me a code" }).click();
    await page.getByText("A code is on its way by text message. It works for 10 minutes.").waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("sms-code");
    await page.getByLabel("Code from the text message").fill(await textedCode(phone, 2));
    await page.locator("#sms-code").press("Enter");
    await signedIn(page);
  });

  test("signs in by approving a push, the phone picking the number the page shows", async () => {
    const { page } = browser;
    const { email, session } = await staff();
    const deviceToken = randomBytes(32).toString("hex");
    const { device_credential } = await api<{ device_credential: string }>(
      "POST",
      "/mfa/push/devices",
      { password: PASSWORD, platform: "apns", device_token: deviceToken, name: "Robin's phone" },
      session,
    );
    await password(page, email);
    await page.getByRole("button", { name: "Send a push to my phone" }).click();
    await page.getByText("On your phone, pick this number:").waitFor();
    const number = Number(await page.locator(".push-number").textContent());
    await expectAccessible(page);
    // The phone: the push it got names the challenge; it answers with its credential.
    const outbox = (await (await fetch(`${BASE}/_dev/outbox`)).json()) as {
      pushes: { device_token: string; message: string }[];
    };
    const push = outbox.pushes.filter((p) => p.device_token === deviceToken).pop();
    const apns = JSON.parse((JSON.parse(push?.message ?? "{}") as { APNS: string }).APNS) as {
      portcullis: { challenge_id: string; choices: number[] };
    };
    expect(apns.portcullis.choices).toContain(number);
    await api(
      "POST",
      `/mfa/push/challenges/${apns.portcullis.challenge_id}`,
      { approve: true, number },
      device_credential,
    );
    await signedIn(page);
    // My security lists the phone that approves.
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "My security" }).click();
    await expect.poll(() => page.locator("ul.phones").textContent()).toMatch(/^Robin's phone, added /);
  });

  test("sets up an authenticator app from its key, downloads the backup codes, and then needs a code", async () => {
    const { page } = browser;
    const { email } = await staff();
    await page.goto(`${BASE}/firm/sign-in`);
    await page.getByLabel("Email address", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await signedIn(page);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "My security" }).click();
    await expect.poll(() => heading(page)).toBe("My security");
    await expectAccessible(page);

    const app = page.getByRole("region", { name: "Set up an authenticator app" });
    await app.getByLabel("Your password, again").fill(PASSWORD);
    await app.getByRole("button", { name: "Start" }).click();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
    const key = ((await page.locator("code.key").textContent()) ?? "").replaceAll(" ", "");
    await expectAccessible(page);
    const now = await advanceClock(0);
    await page.getByLabel("Code from the app").fill(totp(key, now));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByText("Your authenticator app is on.").waitFor();
    const codes = await page.locator("ul.backup-codes code").allTextContents();
    expect(codes).toHaveLength(10);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download as a text file" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("portcullis-backup-codes.txt");
    const text = readFileSync(await download.path(), "utf8");
    for (const code of codes) expect(text).toContain(code);

    // The next sign-in asks for the app's code.
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => heading(page)).toBe("Sign in");
    await password(page, email);
    expect(await page.getByLabel("Code from your authenticator app").count()).toBe(1);
  });

  test("whose administrator forced a password change chooses a new one, then signs in with it", async () => {
    const { page } = browser;
    const { email } = await staff();
    const { users } = await api<{ users: { id: string; email: string }[] }>("GET", "/firm/users", undefined, admin);
    const id = users.find((user) => user.email === email)?.id;
    await api("POST", `/firm/users/${id}/force-password-change`, undefined, admin);
    await page.goto(`${BASE}/firm/sign-in`);
    await page.getByLabel("Email address", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => heading(page)).toBe("Choose a new password");
    await expectAccessible(page);
    await page.getByLabel("New password").fill("an entirely new passphrase 10");
    await page.getByRole("button", { name: "Set the password" }).click();
    await page.getByText("Your new password is set. Sign in with it now.").waitFor();
    // The new password signs in (no second step: none is set up).
    const signedIn = await api<{ session_token?: string }>("POST", "/auth/password", {
      email,
      password: "an entirely new passphrase 10",
    });
    expect(signedIn.session_token).toBeDefined();
  });

  test("with the wrong password is told so, in the same words whatever the address", async () => {
    const { page } = browser;
    await page.goto(`${BASE}/firm/sign-in`);
    for (const email of [ADMIN, "nobody@example.com"]) {
      await page.getByLabel("Email address", { exact: true }).fill(email);
      await page.getByLabel("Password", { exact: true }).fill("not the password");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect.poll(() => page.getByRole("alert").allTextContents()).toContain(
        "The email address or the password is not right.",
      );
    }
  });
});
