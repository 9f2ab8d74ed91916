// Asking for a sign-in link by email (the only way a client signs in).
import { call } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { type Key, t } from "../i18n";

// The form, under `note` (why the user is here) when there is one.
export function signInSection(note?: Key): HTMLElement {
  const status = h("p", { role: "status", class: "status" });
  const alert = h("p", { role: "alert", class: "error" });
  const email = h("input", {
    id: "sign-in-email",
    name: "email",
    type: "email",
    autocomplete: "email",
    required: true,
    maxlength: "254",
  });
  const submit = h("button", { type: "submit" }, t("signin.submit"));
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void send();
      },
    },
    h("label", { for: "sign-in-email" }, t("signin.email")),
    email,
    submit,
  );
  async function send(): Promise<void> {
    submit.disabled = true;
    alert.textContent = "";
    status.textContent = "";
    try {
      await call("POST", "/auth/login-link", { email: email.value.trim() });
      status.textContent = t("signin.sent");
    } catch (err) {
      alert.textContent = errorText(err);
    } finally {
      submit.disabled = false;
    }
  }
  return h(
    "section",
    { "aria-labelledby": "sign-in-title" },
    // Why the user is here (an expired link): read out, as the focus goes to the field.
    note ? h("p", { class: "notice", role: "alert" }, t(note)) : null,
    h("h1", { id: "sign-in-title", tabindex: "-1" }, t("signin.title")),
    h("p", {}, t("signin.intro")),
    form,
    status,
    alert,
    h("p", {}, h("a", { href: "/firm/sign-in", "data-app-link": true }, t("signin.firm_link"))),
  );
}
