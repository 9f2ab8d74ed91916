// The firm's password policy: strong passwords, how often they expire, and
// whether every firm user must have a second step.
import { call } from "../../api";
import { h } from "../../dom";
import { alertBox, statusLine, submitting } from "../../forms";
import { t } from "../../i18n";

interface Settings {
  require_strong_passwords: boolean;
  password_expiry_days: number;
  require_mfa: boolean;
}

const EXPIRY_DAYS = [0, 30, 60, 90, 180, 365] as const;

export async function policyPage(): Promise<HTMLElement> {
  const settings = await call<Settings>("GET", "/firm/settings");
  const alert = alertBox();
  const status = statusLine();
  const check = (id: string, label: string, checked: boolean): [HTMLElement, HTMLInputElement] => {
    const input = h("input", { id, type: "checkbox", checked });
    return [h("div", { class: "check" }, input, h("label", { for: id }, label)), input];
  };
  const [strongRow, strong] = check("policy-strong", t("policy.strong"), settings.require_strong_passwords);
  const [mfaRow, mfa] = check("policy-mfa", t("policy.mfa"), settings.require_mfa);
  const expiry = h(
    "select",
    { id: "policy-expiry" },
    ...EXPIRY_DAYS.map((days) =>
      h(
        "option",
        { value: String(days), selected: days === settings.password_expiry_days },
        days === 0 ? t("policy.never") : t("policy.days", { days }),
      ),
    ),
  );
  const save = h("button", { type: "submit" }, t("policy.save"));
  return h(
    "form",
    {
      class: "policy",
      onsubmit: submitting(save, alert, async () => {
        status.textContent = "";
        await call<Settings>("PUT", "/firm/settings", {
          require_strong_passwords: strong.checked,
          password_expiry_days: Number(expiry.value),
          require_mfa: mfa.checked,
        });
        status.textContent = t("policy.saved");
      }),
    },
    strongRow,
    h("p", { class: "hint" }, t("policy.strong_hint")),
    h("label", { for: "policy-expiry" }, t("policy.expiry")),
    expiry,
    h("p", { class: "hint" }, t("policy.expiry_hint")),
    mfaRow,
    h("p", { class: "hint" }, t("policy.mfa_hint")),
    save,
    status,
    alert,
  );
}
