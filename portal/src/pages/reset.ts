// The page a password-reset link (or a firm's invitation) opens: loading it
// spends nothing; the form's POST does.
import { ApiError, call } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { t } from "../i18n";
import { pageToken } from "../router";
import { noToken } from "./simple";

export function resetPage(): HTMLElement {
  const token = pageToken();
  if (!token) return noToken("reset.title", "reset.no_token");
  const status = h("p", { role: "status", class: "status" });
  const alert = h("div", { role: "alert", class: "error" });
  const password = h("input", {
    id: "new-password",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: "8",
    maxlength: "128",
  });
  const confirm = h("input", {
    id: "confirm-password",
    type: "password",
    autocomplete: "new-password",
    required: true,
  });
  const submit = h("button", { type: "submit" }, t("reset.submit"));
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void save();
      },
    },
    h("label", { for: "new-password" }, t("reset.password")),
    password,
    h("label", { for: "confirm-password" }, t("reset.confirm")),
    confirm,
    submit,
  );
  async function save(): Promise<void> {
    alert.replaceChildren();
    if (password.value !== confirm.value) {
      alert.textContent = t("reset.mismatch");
      return;
    }
    submit.disabled = true;
    try {
      await call("POST", "/auth/password/reset", { token, new_password: password.value });
      form.remove();
      status.textContent = t("reset.done");
    } catch (err) {
      alert.append(h("p", {}, errorText(err)));
      // A weak password's feedback comes from the password checker, in English.
      if (err instanceof ApiError && err.error.feedback?.length) {
        alert.append(h("ul", {}, ...err.error.feedback.map((line) => h("li", { lang: "en" }, line))));
      }
      submit.disabled = false;
    }
  }
  return h(
    "section",
    {},
    h("h1", { tabindex: "-1" }, t("reset.title")),
    form,
    status,
    alert,
  );
}
