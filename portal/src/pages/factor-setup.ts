// Setting up a second step: an authenticator app (QR code, the key to type by
// hand, then the first code) or text messages (a phone with its country, then
// the code sent to it); and the backup codes the first one brings, shown once
// with a download as a text file. Used by My security and by the sign-in of a
// firm user whose firm requires a second step.
import type { Caller } from "../api";
import { h } from "../dom";
import { alertBox, codeField, field, passwordAgain, statusLine, submitting, titled } from "../forms";
import { language, t } from "../i18n";
import { e164 } from "../phone";

export interface SetUp {
  api: Caller;
  // The password, when the user has just typed it (the sign-in): not asked again.
  password?: string;
  // The factor is on (its set-up shows the backup codes, if this was the first).
  done(): void;
}

interface Enrollment {
  secret: string;
  qr_png_base64: string;
}

// The password: asked again, unless the user has just typed it.
function passwordFor(id: string, setUp: SetUp): [HTMLElement | null, () => string] {
  const known = setUp.password;
  if (known !== undefined) return [null, () => known];
  const [field, input] = passwordAgain(id);
  return [field, () => input.value];
}

// The form of a factor's first code: `path` confirms it and turns the factor on.
// Then the step's last state: done, with the backup codes if this was the first
// factor; the focus on what it says (the form it had is gone).
function confirmation(
  path: string,
  code: HTMLInputElement,
  submit: HTMLButtonElement,
  done: string,
  setUp: SetUp,
  body: HTMLElement,
  alert: HTMLElement,
): (event: Event) => void {
  return submitting(
    submit,
    alert,
    async () => {
      const { backup_codes } = await setUp.api<{ backup_codes: string[] }>("POST", path, { code: code.value.trim() });
      const status = statusLine();
      status.textContent = done;
      body.replaceChildren(status, ...(backup_codes.length ? [codesShown(backup_codes)] : []));
      body.closest("section")?.classList.add("done");
      status.focus();
      setUp.done();
    },
    () => code.select(),
  );
}

export function appSetUp(setUp: SetUp): HTMLElement {
  const alert = alertBox();
  const [password, typed] = passwordFor("app-password", setUp);
  const start = h("button", { type: "submit" }, t("security.app_start"));
  const body = h("div", {});
  const form = h(
    "form",
    {
      onsubmit: submitting(start, alert, async () => {
        const enrollment = await setUp.api<Enrollment>("POST", "/mfa/totp/enroll", { password: typed() });
        form.replaceWith(confirmApp(enrollment, setUp, body, alert));
        body.querySelector<HTMLInputElement>("#app-code")?.focus();
      }),
    },
    password,
    start,
  );
  body.append(form);
  return titled("app-title", t("security.app_title"), body, alert);
}

function confirmApp(enrollment: Enrollment, setUp: SetUp, body: HTMLElement, alert: HTMLElement): HTMLElement {
  const [label, code] = codeField("app-code", t("security.app_code"));
  const submit = h("button", { type: "submit" }, t("security.app_confirm"));
  const key = enrollment.secret.replace(/(.{4})/g, "$1 ").trim();
  return h(
    "form",
    { onsubmit: confirmation("/mfa/totp/confirm", code, submit, t("security.app_done"), setUp, body, alert) },
    h("p", {}, t("security.app_scan")),
    h("img", {
      src: `data:image/png;base64,${enrollment.qr_png_base64}`,
      alt: t("security.app_qr"),
      width: "200",
      height: "200",
    }),
    h("p", {}, t("security.app_key"), " ", h("code", { class: "key" }, key)),
    label,
    code,
    submit,
  );
}

// Calling codes offered first; the region's name comes from the browser, in the
// page's language.
const COUNTRIES: readonly [region: string, code: string][] = [
  ["GB", "44"],
  ["IE", "353"],
  ["FR", "33"],
  ["BE", "32"],
  ["LU", "352"],
  ["CH", "41"],
  ["ES", "34"],
  ["PT", "351"],
  ["DE", "49"],
  ["NL", "31"],
  ["IT", "39"],
  ["US", "1"],
  ["CA", "1"],
  ["MX", "52"],
  ["AR", "54"],
  ["CO", "57"],
];

export function smsSetUp(setUp: SetUp): HTMLElement {
  const alert = alertBox();
  const names = new Intl.DisplayNames([language()], { type: "region" });
  const country = h(
    "select",
    { id: "sms-country" },
    ...COUNTRIES.map(([region, code]) =>
      h("option", { value: `${region}:${code}` }, `${names.of(region) ?? region} (+${code})`),
    ),
  );
  const [phoneLabel, phone] = field("sms-phone", t("security.sms_phone"), {
    type: "tel",
    autocomplete: "tel-national",
    required: true,
  });
  const [password, typed] = passwordFor("sms-password", setUp);
  const send = h("button", { type: "submit" }, t("security.sms_send"));
  const body = h("div", {});
  const form = h(
    "form",
    {
      onsubmit: submitting(send, alert, async () => {
        const calling = country.value.split(":")[1] ?? "";
        const sent = await setUp.api<{ phone: string }>("POST", "/mfa/sms/enroll", {
          password: typed(),
          phone: e164(calling, phone.value),
        });
        form.replaceWith(
          confirmSms(sent.phone, setUp, body, alert, (confirming) => {
            confirming.replaceWith(form);
            phone.focus();
          }),
        );
        body.querySelector<HTMLInputElement>("#sms-setup-code")?.focus();
      }),
    },
    h("label", { for: "sms-country" }, t("security.sms_country")),
    country,
    phoneLabel,
    phone,
    password,
    send,
  );
  body.append(form);
  return titled("sms-title", t("security.sms_title"), body, alert);
}

// The texted code; or back to the number (another number, or another text once
// this one's minutes are over).
function confirmSms(
  masked: string,
  setUp: SetUp,
  body: HTMLElement,
  alert: HTMLElement,
  again: (confirming: HTMLElement) => void,
): HTMLElement {
  const back = h("button", { type: "button", class: "secondary" }, t("security.sms_again"));
  const [label, code] = codeField("sms-setup-code", t("security.sms_code"));
  const submit = h("button", { type: "submit" }, t("security.sms_confirm"));
  const form = h(
    "form",
    { onsubmit: confirmation("/mfa/sms/confirm", code, submit, t("security.sms_done"), setUp, body, alert) },
    h("p", { role: "status", class: "status" }, t("security.sms_sent", { phone: masked })),
    label,
    code,
    submit,
    back,
  );
  back.addEventListener("click", () => {
    alert.replaceChildren();
    again(form);
  });
  return form;
}

// The codes, this once, with a download of them as a text file.
export function codesShown(codes: string[]): HTMLElement {
  const text = `${t("security.codes_file_title")}\n\n${codes.join("\n")}\n`;
  const file = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  return h(
    "div",
    { class: "codes", tabindex: "-1" },
    h("p", {}, t("security.codes_once")),
    h("ul", { class: "backup-codes" }, ...codes.map((code) => h("li", {}, h("code", {}, code)))),
    h("a", { href: file, download: "portcullis-backup-codes.txt", class: "button" }, t("security.codes_download")),
  );
}
