// My security in Chromium, for a staff member of a firm of the test's own:
// setting up text messages (a phone with its country), removing a method with
// the password again, changing the password, and the page in another language.
import type { Page } from "playwright-core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  type Browser,
  advanceClock,
  api,
  expectAccessible,
  firmSignIn,
  heading,
  inviteStaff,
  newFirm,
  openBrowser,
  signedIn,
  textedCode,
} from "./browser";

const PASSWORD = "a long and unusual passphrase 9";

let browser: Browser;
let email = "";
beforeEach(async () => {
  const firm = await newFirm();
  const { session_token } = await api<{ session_token: string }>("POST", "/auth/password", {
    email: firm.admin,
    password: firm.password,
  });
  email = await inviteStaff(session_token, PASSWORD);
  browser = await openBrowser();
});
afterEach(async () => {
  await browser.close();
});

async function mySecurity(page: Page, password = PASSWORD): Promise<void> {
  await firmSignIn(page, email, password);
  await signedIn(page);
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("link", { name: "My security" }).click();
  await expect.poll(() => heading(page)).toBe("My security");
}

function methods(page: Page): Promise<string | null> {
  return page.locator("dl.methods").textContent();
}

describe("a firm user's security", () => {
  test("sets up text messages with a UK number typed nationally, then removes them with the password again", async () => {
    const { page } = browser;
    await mySecurity(page);
    const national = `07700 9${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;
    const phone = `+44${national.replaceAll(" ", "").slice(1)}`;
    const sms = page.getByRole("region", { name: "Set up text messages" });
    await sms.getByLabel("Country").selectOption({ label: "United Kingdom (+44)" });
    await sms.getByLabel("Mobile number").fill(national);
    await sms.getByLabel("Your password, again").fill(PASSWORD);
    await sms.getByRole("button", { name: "Text me a code" }).click();
    await sms.getByText(/A code is on its way to .*\d\d\. It works for 10 minutes\./).waitFor();
    await expectAccessible(page);
    await sms.getByLabel("Code from the text message").fill(await textedCode(phone, 1));
    await sms.getByRole("button", { name: "Turn on" }).click();
    await sms.getByText("Text messages are on.", { exact: false }).waitFor();
    expect(await sms.locator("ul.backup-codes li").count()).toBe(10);
    await expect.poll(() => methods(page)).toMatch(/Text messagesOn/);

    await page.reload();
    await expect.poll(() => heading(page)).toBe("My security");
    const remove = page.getByRole("region", { name: "Remove a method" });
    await remove.getByLabel("Method to remove").selectOption({ label: "Text messages" });
    await remove.getByLabel("Your password, again").fill("not my password");
    await remove.getByRole("button", { name: "Remove" }).click();
    await remove.getByText("The email address or the password is not right.").waitFor();
    await remove.getByLabel("Your password, again").fill(PASSWORD);
    await remove.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => methods(page)).toMatch(/Text messagesOff/);
    expect(await page.getByRole("region", { name: "Remove a method" }).count()).toBe(0);
  });

  test("changes the password, which then signs in", async () => {
    const { page } = browser;
    await mySecurity(page);
    const change = page.getByRole("region", { name: "Change your password" });
    await change.getByLabel("Current password").fill(PASSWORD);
    await change.getByLabel("New password", { exact: true }).fill("password");
    await change.getByLabel("New password again").fill("password");
    await change.getByRole("button", { name: "Change the password" }).click();
    await change.getByText("This password is too easy to guess.").waitFor();
    const next = "a different long passphrase 11";
    await change.getByLabel("New password", { exact: true }).fill(next);
    await change.getByLabel("New password again").fill(next);
    await change.getByRole("button", { name: "Change the password" }).click();
    await change.getByText("Your password is changed.", { exact: false }).waitFor();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await advanceClock(0);
    await mySecurity(page, next);
  });

  test("switches the portal to Spanish from the menu, and it stays so", async () => {
    const { page } = browser;
    await mySecurity(page);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.locator("#language-menu").selectOption("es");
    await page.locator("#menu-panel").getByRole("button", { name: "Change" }).click();
    await expect.poll(() => heading(page)).toBe("Mi seguridad");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("es");
    await expectAccessible(page);
    await page.reload();
    await expect.poll(() => heading(page)).toBe("Mi seguridad");
    expect(await page.getByRole("region", { name: "Cambiar su contraseña" }).count()).toBe(1);
  });
});
