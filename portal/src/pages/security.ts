// A firm user's security: the second steps they have, setting up an
// authenticator app (QR code, the key to type by hand, then the first code), and
// backup codes, shown once and downloadable as a text file.
import { type Profile, call } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { t } from "../i18n";

interface MfaSummary {
  methods: string[];
  backup_codes_left: number;
  push_devices: { name: string }[];
}

interface Enrollment {
  secret: string;
  qr_png_base64: string;
}

export async function securityPage(user: Profile): Promise<HTMLElement> {
  if (user.role === "client") {
    return h("section", {}, h("h1", { tabindex: "-1" }, t("notfound.title")), h("p", {}, t("notfound.body")));
  }
  const summary = await call<MfaSummary>("GET", "/mfa");
  const on = (method: string): string => t(summary.methods.includes(method) ? "security.on" : "security.off");
  const page = h(
    "section",
    { class: "security" },
    h("h1", { tabindex: "-1" }, t("security.title")),
    h(
      "dl",
      { class: "methods" },
      h("dt", {}, t("security.app")),
      h("dd", {}, on("totp")),
      h("dt", {}, t("security.sms")),
      h("dd", {}, on("sms")),
      h("dt", {}, t("security.push")),
      h("dd", {}, summary.push_devices.map((device) => device.name).join(", ") || t("security.off")),
      h("dt", {}, t("security.backup_left")),
      h("dd", {}, String(summary.backup_codes_left)),
    ),
  );
  if (!summary.methods.includes("totp")) page.append(appSetUp());
  if (summary.methods.length > 0) page.append(newBackupCodes());
  return page;
}

function passwordField(id: string): [HTMLElement, HTMLInputElement] {
  const input = h("input", { id, type: "password", autocomplete: "current-password", required: true });
  return [h("label", { for: id }, t("security.password_again")), input];
}

function appSetUp(): HTMLElement {
  const alert = h("p", { role: "alert", class: "error" });
  const [label, password] = passwordField("app-password");
  const start = h("button", { type: "submit" }, t("security.app_start"));
  const section = h("section", { "aria-labelledby": "app-title" }, h("h2", { id: "app-title" }, t("security.app_title")));
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void (async () => {
          start.disabled = true;
          alert.textContent = "";
          try {
            const enrollment = await call<Enrollment>("POST", "/mfa/totp/enroll", { password: password.value });
            form.replaceWith(confirmApp(enrollment, section, alert));
            section.querySelector<HTMLInputElement>("#app-code")?.focus();
          } catch (err) {
            alert.textContent = errorText(err);
          } finally {
            start.disabled = false;
          }
        })();
      },
    },
    label,
    password,
    start,
  );
  section.append(form, alert);
  return section;
}

function confirmApp(enrollment: Enrollment, section: HTMLElement, alert: HTMLElement): HTMLElement {
  const code = h("input", { id: "app-code", inputmode: "numeric", autocomplete: "one-time-code", required: true });
  const submit = h("button", { type: "submit" }, t("security.app_confirm"));
  const key = enrollment.secret.replace(/(.{4})/g, "$1 ").trim();
  return h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void (async () => {
          submit.disabled = true;
          alert.textContent = "";
          try {
            const { backup_codes } = await call<{ backup_codes: string[] }>("POST", "/mfa/totp/confirm", {
              code: code.value.trim(),
            });
            section.replaceChildren(
              h("h2", { id: "app-title" }, t("security.app_title")),
              h("p", { role: "status", class: "status" }, t("security.app_done")),
              ...(backup_codes.length > 0 ? [codesShown(backup_codes)] : []),
            );
          } catch (err) {
            alert.textContent = errorText(err);
            code.select();
          } finally {
            submit.disabled = false;
          }
        })();
      },
    },
    h("p", {}, t("security.app_scan")),
    h("img", { src: `data:image/png;base64,${enrollment.qr_png_base64}`, alt: t("security.app_qr"), width: "200", height: "200" }),
    h("p", {}, t("security.app_key"), " ", h("code", { class: "key" }, key)),
    h("label", { for: "app-code" }, t("security.app_code")),
    code,
    submit,
  );
}

function newBackupCodes(): HTMLElement {
  const alert = h("p", { role: "alert", class: "error" });
  const [label, password] = passwordField("codes-password");
  const submit = h("button", { type: "submit", class: "secondary" }, t("security.codes_new"));
  const section = h("section", { "aria-labelledby": "codes-title" }, h("h2", { id: "codes-title" }, t("security.codes_title")));
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void (async () => {
          submit.disabled = true;
          alert.textContent = "";
          try {
            const { backup_codes } = await call<{ backup_codes: string[] }>("POST", "/mfa/backup-codes", {
              password: password.value,
            });
            form.replaceWith(codesShown(backup_codes));
          } catch (err) {
            alert.textContent = errorText(err);
          } finally {
            submit.disabled = false;
          }
        })();
      },
    },
    h("p", {}, t("security.codes_intro")),
    label,
    password,
    submit,
  );
  section.append(form, alert);
  return section;
}

// The codes, this once, with a download of them as a text file.
function codesShown(codes: string[]): HTMLElement {
  const text = `${t("security.codes_file_title")}\n\n${codes.join("\n")}\n`;
  const file = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  return h(
    "div",
    { class: "codes" },
    h("p", {}, t("security.codes_once")),
    h("ul", { class: "backup-codes" }, ...codes.map((code) => h("li", {}, h("code", {}, code)))),
    h("a", { href: file, download: "portcullis-backup-codes.txt", class: "button" }, t("security.codes_download")),
  );
}
