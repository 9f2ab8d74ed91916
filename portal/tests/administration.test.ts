// Administration in Chromium, each test in a firm of its own: inviting a user
// in their language, requiring a second step firm-wide (the user is led to set
// one up), turning a user's second steps off, forcing a change, expiring every
// password, clients and cases, addresses that bounced or complained, and an
// account recovery started, submitted by the user and approved with a note.
import type { Page } from "playwright-core";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  BASE,
  type Browser,
  type TestFirm,
  acceptInvitation,
  advanceClock,
  emails,
  expectAccessible,
  firmSignIn,
  heading,
  newFirm,
  nextEmail,
  openBrowser,
  portalLinks,
  signedIn,
  turnOnApp,
} from "./browser";
import { totp } from "./totp";

const PASSWORD = "a long and unusual passphrase 9";

let firm: TestFirm;
let browser: Browser;
beforeEach(async () => {
  firm = await newFirm();
  browser = await openBrowser();
});
afterEach(async () => {
  await browser.close();
});

async function administration(page: Page, tab: string): Promise<void> {
  await firmSignIn(page, firm.admin, firm.password);
  await signedIn(page);
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("link", { name: "Administration" }).click();
  await expect.poll(() => heading(page)).toBe("Administration: Users");
  if (tab !== "Users") {
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: tab }).click();
    await expect.poll(() => heading(page)).toBe(`Administration: ${tab}`);
  }
  await expectAccessible(page);
}

// The administrator invites `name` on the Users page; the invitee chooses
// `PASSWORD` through the emailed link. Their address.
async function invite(page: Page, name: string, language = "English"): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}@example.com`;
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Role").selectOption({ label: "Staff" });
  await page.getByLabel("Language of the portal and emails").selectOption({ label: language });
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await page.getByText(`${name} is invited: a link is on its way to ${email}.`).waitFor();
  await acceptInvitation(email, PASSWORD);
  return email;
}

// `invite()`, then the invitee turns on an authenticator app.
async function inviteWithApp(page: Page, name: string): Promise<string> {
  const email = await invite(page, name);
  const { session_token } = JSON.parse((await passwordSignIn(email, PASSWORD)).body) as { session_token: string };
  await turnOnApp(session_token, PASSWORD);
  return email;
}

// What SES would publish for `email`, delivered through make dev's `/_dev/email-events`.
async function emailEvent(email: string, event: "permanent-bounce" | "complaint"): Promise<void> {
  const answer = await fetch(`${BASE}/_dev/email-events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, event }),
  });
  expect(answer.status, await answer.clone().text()).toBe(200);
}

function row(page: Page, email: string) {
  return page.getByRole("row").filter({ hasText: email });
}

async function passwordSignIn(email: string, password: string): Promise<{ status: number; body: string }> {
  const answer = await fetch(`${BASE}/api/auth/password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  return { status: answer.status, body: await answer.text() };
}

describe("an administrator", () => {
  test("invites a user in their language, requires a second step, and the user is led to set one up", async () => {
    const { page } = browser;
    await administration(page, "Users");
    const email = await invite(page, "Dominique Staff", "Français");
    const invitation = await emails(email);
    expect(invitation[0]?.subject).toMatch(/^Vous êtes invité sur le portail de Test firm /);
    await expect.poll(() => row(page, email).textContent()).toContain("Staff");

    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Password policy" }).click();
    await page.getByLabel("Require two-step sign-in for every firm user").check();
    await page.getByLabel("Passwords expire").selectOption({ label: "Every 90 days" });
    await page.getByRole("button", { name: "Save the policy" }).click();
    await page.getByText("The policy is saved.").waitFor();
    await expectAccessible(page);

    // The user, in a browser of their own: led to set up an authenticator app.
    const user = await openBrowser(375);
    const theirs = user.page;
    await firmSignIn(theirs, email, PASSWORD);
    await expect.poll(() => heading(theirs)).toBe("Set up two-step sign-in");
    await expectAccessible(theirs);
    // The password was just typed: the set-up does not ask for it again.
    await theirs.getByRole("button", { name: "Start" }).click();
    const key = ((await theirs.locator("code.key").textContent()) ?? "").replaceAll(" ", "");
    await theirs.locator("#app-code").fill(totp(key, await advanceClock(0)));
    await theirs.locator("#app-code").press("Enter");
    await expect.poll(async () => theirs.locator("ul.backup-codes li").count()).toBe(10);
    await theirs.getByRole("link", { name: "Sign in" }).last().click();
    await expect.poll(() => heading(theirs)).toBe("Sign in to your firm");
    // The next sign-in asks for the app's code.
    await firmSignIn(theirs, email, PASSWORD);
    await expect.poll(() => heading(theirs)).toBe("Two-step sign-in");
    await theirs.getByLabel("Code from your authenticator app").fill(totp(key, await advanceClock(30)));
    await theirs.getByLabel("Code from your authenticator app").press("Enter");
    await signedIn(theirs);
    await user.close();

    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Users" }).click();
    await expect.poll(() => row(page, email).textContent()).toContain("On");
  });

  test("turns off a user's second steps, forces a password change, then expires every password", async () => {
    const { page } = browser;
    await administration(page, "Users");
    const email = await inviteWithApp(page, "Robin Staff");
    // On a phone: the table scrolls in its own region.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await expect.poll(() => row(page, email).textContent()).toContain("On");
    await expectAccessible(page);

    await row(page, email).getByRole("button", { name: "Turn off two-step sign-in for Robin Staff" }).click();
    await expectAccessible(page);
    await row(page, email).getByRole("button", { name: "Turn it off" }).click();
    await page.getByText("Two-step sign-in is off for Robin Staff.").waitFor();
    await expect.poll(() => row(page, email).textContent()).not.toContain("On");
    // The user's next sign-in needs the password alone.
    expect(JSON.parse((await passwordSignIn(email, PASSWORD)).body)).toHaveProperty("session_token");

    await row(page, email).getByRole("button", { name: "Force a password change for Robin Staff" }).click();
    await row(page, email).getByRole("button", { name: "Force the change" }).click();
    await page.getByText("Robin Staff will choose a new password at their next sign-in.").waitFor();
    const forced = await passwordSignIn(email, PASSWORD);
    expect(forced.status).toBe(403);
    expect(forced.body).toContain("password_change_required");

    await page.getByRole("button", { name: "Expire every password" }).click();
    await page.getByRole("button", { name: "Expire them all now" }).click();
    await page.getByText("Every firm user will choose a new password at their next sign-in.").waitFor();
    const own = await passwordSignIn(firm.admin, firm.password);
    expect(own.status).toBe(403);
    expect(own.body).toContain("password_change_required");
  });

  test("creates a case, adds a client to it (who is emailed) and a colleague", async () => {
    const { page } = browser;
    await administration(page, "Users");
    await invite(page, "Sam Colleague");
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Clients and cases" }).click();
    await expect.poll(() => heading(page)).toBe("Administration: Clients and cases");
    await page.getByLabel("Title").fill("Smith v. Jones");
    await page.getByRole("button", { name: "Create the case" }).click();
    await page.getByText("The case Smith v. Jones is created.").waitFor();
    await expect.poll(() => page.locator("ul.case-list").textContent()).toContain("Smith v. Jones");

    const client = `client-${Date.now()}@example.com`;
    await page.locator("#client-case").selectOption({ label: "Smith v. Jones" });
    await page.getByLabel("Email address").fill(client);
    await page.getByLabel("Name").fill("Jo Smith");
    await page.getByRole("button", { name: "Add the client" }).click();
    await page.getByText("Jo Smith is added to Smith v. Jones.").waitFor();
    const shared = await nextEmail(client, 0);
    expect(portalLinks(shared).some((link) => link.includes("/auth/verify"))).toBe(true);

    await page.locator("#colleague-case").selectOption({ label: "Smith v. Jones" });
    await page.locator("#colleague").selectOption({ label: (await page.locator("#colleague option", { hasText: "Sam Colleague" }).textContent()) ?? "" });
    await page.getByRole("button", { name: "Add the colleague" }).click();
    await page.getByText("Sam Colleague is responsible for Smith v. Jones.").waitFor();
    await expectAccessible(page);
  });

  test("sees whose address bounced or complained, and that nothing is mailed to it", async () => {
    const { page } = browser;
    await administration(page, "Users");
    const bounced = await invite(page, "Bo Bounced");
    await emailEvent(bounced, "permanent-bounce");
    await page.reload();
    await expect.poll(() => heading(page)).toBe("Administration: Users");
    await expect
      .poll(() => row(page, bounced).textContent())
      .toContain("Email to this address bounced: nothing is sent to it. Ask them for another address.");
    await expectAccessible(page);

    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Clients and cases" }).click();
    await page.getByLabel("Title").fill("Re Spam");
    await page.getByRole("button", { name: "Create the case" }).click();
    await page.getByText("The case Re Spam is created.").waitFor();
    const client = `complained-${Date.now()}@example.com`;
    await emailEvent(client, "complaint");
    await page.locator("#client-case").selectOption({ label: "Re Spam" });
    await page.getByLabel("Email address").fill(client);
    await page.getByLabel("Name").fill("Cy Complainer");
    await page.getByRole("button", { name: "Add the client" }).click();
    await page
      .getByText(
        "Cy Complainer is added to Re Spam. Email to this address cannot be delivered: nothing is sent to it. Ask them for another address.",
      )
      .waitFor();
    expect(await emails(client)).toHaveLength(0);
  });

  test("starts a recovery; the user submits its link; the administrator approves it with a note", async () => {
    const { page } = browser;
    await administration(page, "Users");
    const email = await inviteWithApp(page, "Lee Locked");

    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Recoveries" }).click();
    await expect.poll(() => heading(page)).toBe("Administration: Recoveries");
    const before = (await emails(email)).length;
    await page.getByLabel("User").selectOption({ label: `Lee Locked (${email})` });
    await page.getByRole("button", { name: "Start the recovery" }).click();
    await page.getByText(/A recovery link is on its way to Lee Locked\./).waitFor();
    await expect.poll(() => page.locator(".recoveries").textContent()).toContain("Link sent, not used yet");

    // The email: the link, and its QR code (an image made of table cells).
    const sent = await nextEmail(email, before);
    expect(sent.body).toContain('<table role="img"');
    expect(sent.body).toContain("Or scan this QR code with your phone");
    const link = portalLinks(sent).find((href) => href.includes("/recovery?token="));
    const user = await openBrowser(375);
    await user.page.goto(link ?? "");
    await user.page.getByText(/This link works until/).waitFor();
    await expectAccessible(user.page);
    await user.page.getByRole("button", { name: "Confirm who I am" }).click();
    await user.page.getByText("Your identity check has started.").waitFor();
    await user.close();

    await page.reload();
    await expect.poll(() => page.locator(".recoveries").textContent()).toContain("Waiting for the identity check");
    await expectAccessible(page);
    await page.getByLabel("Note on the decision about Lee Locked (optional)").fill("Called back on the number on file.");
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByText(/Approved: Lee Locked's second steps are removed/).waitFor();
    await expect.poll(() => page.locator(".recoveries li").first().textContent()).toContain("Approved");
    // The user signs in with the password alone now.
    expect(JSON.parse((await passwordSignIn(email, PASSWORD)).body)).toHaveProperty("session_token");
  });
});
