// Setting up a second step: an authenticator app (QR code, the key to type by
// hand, then the first code) or text messages (a phone with its country, then
// the code sent to it); and the backup codes the first one brings, shown once
// with a download as a text file. Used by My security and by the sign-in of a
// firm user whose firm requires a second step.
import type { Caller } from "../api";
import { h } from "../dom";
import { alertBox, field, statusLine, submitting } from "../forms";
import { language, t } from "../i18n";
import { e164 } from "../phone";

export interface SetUp {
  api: Caller;
  // The password, when the user has just typed it (the sign-in): not asked again.
  password?: string;
  // The factor is on; `codes` are the backup codes, if this was the first.
  done(codes: string[]): void;
}

interface Enrollment {
  secret: string;
  qr_png_base64: string;
}

function passwordAgain(id: string, setUp: SetUp): [HTMLElement | null, () => string] {
  if (setUp.password !== undefined) {
    const known = setUp.password;
    return [null, () => known];
  }
  const [label, input] = field(id, t("security.password_again"), {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  return [h("div", { class: "field" }, label, input), () => input.value];
}

function section(id: string, title: string, ...children: Node[]): HTMLElement {
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

// The step's last state: done, with the backup codes if there are any; the
// focus on what it says (the form it had is gone).
function finished(place: HTMLElement, message: string, codes: string[]): void {
  const status = statusLine();
  status.textContent = message;
  place.replaceChildren(status, ...(codes.length ? [codesShown(codes)] : []));
  place.closest("section")?.classList.add("done");
  status.focus();
}

export function appSetUp(setUp: SetUp): HTMLElement {
  const alert = alertBox();
  const [password, typed] = passwordAgain("app-password", setUp);
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
  return section("app-title", t("security.app_title"), body, alert);
}

function confirmApp(enrollment: Enrollment, setUp: SetUp, body: HTMLElement, alert: HTMLElement): HTMLElement {
  const [label, code] = field("app-code", t("security.app_code"), {
    inputmode: "numeric",
    autocomplete: "one-time-code",
    required: true,
  });
  const submit = h("button", { type: "submit" }, t("security.app_confirm"));
  const key = enrollment.secret.replace(/(.{4})/g, "$1 ").trim();
  return h(
    "form",
    {
      onsubmit: submitting(
        submit,
        alert,
        async () => {
          const { backup_codes } = await setUp.api<{ backup_codes: string[] }>("POST", "/mfa/totp/confirm", {
            code: code.value.trim(),
          });
          finished(body, t("security.app_done"), backup_codes);
          setUp.done(backup_codes);
        },
        () => code.select(),
      ),
    },
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
  const [password, typed] = passwordAgain("sms-password", setUp);
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
  return section("sms-title", t("security.sms_title"), body, alert);
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
  const [label, code] = field("sms-setup-code", t("security.sms_code"), {
    inputmode: "numeric",
    autocomplete: "one-time-code",
    required: true,
  });
  const submit = h("button", { type: "submit" }, t("security.sms_confirm"));
  const form = h(
    "form",
    {
      onsubmit: submitting(
        submit,
        alert,
        async () => {
          const { backup_codes } = await setUp.api<{ backup_codes: string[] }>("POST", "/mfa/sms/confirm", {
            code: code.value.trim(),
          });
          finished(body, t("security.sms_done"), backup_codes);
          setUp.done(backup_codes);
        },
        () => code.select(),
      ),
    },
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
