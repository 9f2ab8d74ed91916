// A firm user's sign-in: email and password, then the second step the user has
// (push approval, an authenticator code, a texted code, or a backup code, each
// its own field), with "Keep me logged in for a week"; a forced or expired
// password leads to the change form, a firm's requirement of a second step to
// setting one up, and a forgotten password to a reset link by email.
import { ApiError, type Profile, call, withBearer } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { alertBox, codeField, field, submitting } from "../forms";
import { t } from "../i18n";
import { navigate } from "../router";
import { remember, takeNext } from "../session";
import { appSetUp, smsSetUp } from "./factor-setup";

type Method = "totp" | "sms" | "push" | "backup_code";

interface PasswordAnswer {
  user?: Profile;
  mfa_required?: true;
  mfa_token?: string;
  methods?: Method[];
  mfa_enrollment_required?: true;
  enrollment_token?: string;
}

export function firmSignInPage(): HTMLElement {
  const page = h("section", { class: "firm-sign-in" });
  page.append(...passwordStep(page));
  return page;
}

async function signedIn(): Promise<void> {
  remember(await call<Profile>("GET", "/me"));
  navigate(takeNext(), { replace: true });
}

function passwordStep(page: HTMLElement): HTMLElement[] {
  const alert = h("p", { role: "alert", class: "error" });
  const [emailLabel, email] = field("firm-email", t("signin.email"), { type: "email", autocomplete: "username", required: true });
  const [passwordLabel, password] = field("firm-password", t("firm.password"), {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const keep = h("input", { id: "keep-signed-in", type: "checkbox" });
  const submit = h("button", { type: "submit" }, t("firm.submit"));
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void send();
      },
    },
    emailLabel,
    email,
    passwordLabel,
    password,
    h("div", { class: "check" }, keep, h("label", { for: "keep-signed-in" }, t("firm.keep"))),
    submit,
  );
  async function send(): Promise<void> {
    submit.disabled = true;
    alert.textContent = "";
    try {
      const answer = await call<PasswordAnswer>("POST", "/auth/password", {
        email: email.value.trim(),
        password: password.value,
      });
      if (answer.mfa_required && answer.mfa_token) {
        page.replaceChildren(secondStep(answer.mfa_token, answer.methods ?? [], keep.checked));
        page.querySelector<HTMLElement>("h1")?.focus();
      } else if (answer.mfa_enrollment_required && answer.enrollment_token) {
        page.replaceChildren(enrolStep(answer.enrollment_token, password.value));
        page.querySelector<HTMLElement>("h1")?.focus();
      } else {
        await signedIn();
      }
    } catch (err) {
      const token = err instanceof ApiError ? (err.error as { password_change_token?: string }).password_change_token : undefined;
      if (err instanceof ApiError && err.code === "password_change_required" && token) {
        page.replaceChildren(changeStep(token));
        page.querySelector<HTMLElement>("h1")?.focus();
        return;
      }
      alert.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  }
  return [
    h("h1", { tabindex: "-1" }, t("firm.title")),
    h("p", {}, t("firm.intro")),
    form,
    alert,
    forgotten(),
    h("p", {}, h("a", { href: "/", "data-app-link": true }, t("firm.client_instead"))),
  ];
}

// A forgotten password: a link to choose a new one, by email (the same answer
// whether or not the address has an account).
function forgotten(): HTMLElement {
  const alert = alertBox();
  const status = h("p", { role: "status", class: "status" });
  const [label, email] = field("reset-email", t("firm.forgot_email"), { type: "email", autocomplete: "username", required: true });
  const submit = h("button", { type: "submit", class: "secondary" }, t("firm.forgot_submit"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        status.textContent = "";
        await call("POST", "/auth/password/reset-request", { email: email.value.trim() });
        status.textContent = t("firm.forgot_sent");
      }),
    },
    h("p", {}, t("firm.forgot_intro")),
    label,
    email,
    submit,
  );
  return h("details", { class: "forgotten" }, h("summary", {}, t("firm.forgot")), form, status, alert);
}

// The firm requires a second step and the user has none: set one up with the
// 15-minute enrolment session, then sign in again (the session ends once a
// factor is on; past its minutes, signing in again starts it afresh).
function enrolStep(token: string, password: string): HTMLElement {
  const step = h("div", {});
  const again = h("p", {}, h("a", { href: "/firm/sign-in", "data-app-link": true }, t("firm.sign_in_again")));
  const done = (): void => {
    // The finished set-up stays (its backup codes, this once); the other goes.
    for (const other of step.querySelectorAll("section:not(.done)")) other.remove();
    again.before(h("p", {}, t("firm.enrol_done")));
    again.querySelector("a")?.classList.add("button");
  };
  const setUp = { api: withBearer(token), password, done };
  step.append(
    h("h1", { tabindex: "-1" }, t("firm.enrol_title")),
    h("p", {}, t("firm.enrol_intro")),
    appSetUp(setUp),
    smsSetUp(setUp),
    again,
  );
  return step;
}

// The second step: a form per method the user has, the backup code its own.
function secondStep(mfaToken: string, methods: Method[], keep: boolean): HTMLElement {
  const alert = alertBox();
  const status = h("p", { role: "status", class: "status" });
  const forms: HTMLElement[] = [];
  const codeForm = (id: string, label: string, path: string, hint?: HTMLElement): HTMLElement => {
    const [codeLabel, code] = codeField(id, label);
    const submit = h("button", { type: "submit" }, t("firm.verify"));
    return h(
      "form",
      {
        onsubmit: submitting(
          submit,
          alert,
          async () => {
            await call("POST", path, { mfa_token: mfaToken, code: code.value.trim(), keep_me_logged_in: keep });
            await signedIn();
          },
          () => code.select(),
        ),
      },
      hint ?? null,
      codeLabel,
      code,
      submit,
    );
  };
  if (methods.includes("push")) forms.push(pushApproval(mfaToken, keep, alert));
  if (methods.includes("totp")) forms.push(codeForm("totp-code", t("firm.totp_code"), "/auth/mfa/totp"));
  if (methods.includes("sms")) {
    const send = h("button", { type: "button", class: "secondary" }, t("firm.sms_send"));
    send.addEventListener("click", () => {
      void (async () => {
        send.disabled = true;
        alert.textContent = "";
        try {
          await call("POST", "/auth/mfa/sms/send", { mfa_token: mfaToken });
          status.textContent = t("firm.sms_sent");
          send.textContent = t("firm.sms_resend");
          document.getElementById("sms-code")?.focus();
        } catch (err) {
          alert.textContent = errorText(err);
        } finally {
          send.disabled = false;
        }
      })();
    });
    forms.push(codeForm("sms-code", t("firm.sms_code"), "/auth/mfa/sms", send));
  }
  if (methods.includes("backup_code")) {
    const backup = h("details", { class: "backup" }, h("summary", {}, t("firm.use_backup")));
    backup.append(codeForm("backup-code", t("firm.backup_code"), "/auth/mfa/backup-code"));
    forms.push(backup);
  }
  return h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, t("firm.second_title")),
    h("p", {}, t("firm.second_intro")),
    ...forms,
    status,
    alert,
  );
}

interface Pushed {
  challenge_id: string;
  number: number;
}

// Push approval: the phones are asked, the page shows the number to pick there,
// and waits (polling) until the phone answers, the push expires, or it is denied.
function pushApproval(mfaToken: string, keep: boolean, alert: HTMLElement): HTMLElement {
  const send = h("button", { type: "button" }, t("firm.push_send"));
  const waiting = h("div", { role: "status", class: "push-wait" });
  send.addEventListener("click", () => {
    void (async () => {
      send.disabled = true;
      alert.textContent = "";
      try {
        const pushed = await call<Pushed>("POST", "/auth/mfa/push", { mfa_token: mfaToken });
        waiting.replaceChildren(
          h("p", {}, t("firm.push_pick")),
          h("p", { class: "push-number" }, String(pushed.number)),
        );
        await waitForAnswer(pushed.challenge_id);
      } catch (err) {
        waiting.replaceChildren();
        alert.textContent = errorText(err);
        send.textContent = t("firm.push_again");
        send.disabled = false;
      }
    })();
  });
  async function waitForAnswer(challenge: string): Promise<void> {
    const query = new URLSearchParams({ mfa_token: mfaToken, keep_me_logged_in: String(keep) });
    // The push lives 2 minutes: a little longer than that, at most.
    for (let tries = 0; tries < 90 && send.isConnected; tries += 1) {
      const answer = await call<{ status?: "pending" }>(
        "GET",
        `/auth/mfa/push/${encodeURIComponent(challenge)}?${query.toString()}`,
      );
      if (answer.status !== "pending") {
        await signedIn();
        return;
      }
      await new Promise((done) => setTimeout(done, 1500));
    }
    throw new ApiError(410, { code: "push_expired", message: "" });
  }
  return h("div", { class: "push" }, send, waiting);
}

// A forced or expired password: the new one, with the single-use token.
function changeStep(token: string): HTMLElement {
  const alert = alertBox();
  const status = h("p", { role: "status", class: "status" });
  const [label, password] = field("changed-password", t("reset.password"), {
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: "8",
    maxlength: "128",
  });
  const submit = h("button", { type: "submit" }, t("reset.submit"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        await call("POST", "/auth/password/change", { password_change_token: token, new_password: password.value });
        form.remove();
        status.textContent = t("firm.changed");
      }),
    },
    label,
    password,
    submit,
  );
  return h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, t("firm.change_title")),
    h("p", {}, t("firm.change_intro")),
    form,
    status,
    alert,
    h("p", {}, h("a", { href: "/firm/sign-in", "data-app-link": true }, t("firm.sign_in_again"))),
  );
}
