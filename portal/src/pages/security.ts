// A firm user's security: the second steps they have (with the phones that
// approve pushes), setting up an authenticator app or text messages, new backup
// codes, removing a method, and changing the password.
import { type Profile, call } from "../api";
import { h } from "../dom";
import { alertBox, field, passwordAgain, statusLine, submitting, titled } from "../forms";
import { type Key, formatDate, t } from "../i18n";
import { rerender } from "../router";
import { notFoundPage } from "./simple";
import { appSetUp, codesShown, smsSetUp } from "./factor-setup";

type Method = "totp" | "sms" | "push" | "backup_code";

interface MfaSummary {
  methods: Method[];
  backup_codes_left: number;
  push_devices: { id: string; name: string; created_at: string }[];
}

const METHOD_NAMES: Record<Method, Key> = {
  totp: "security.app",
  sms: "security.sms",
  push: "security.push",
  backup_code: "security.codes_title",
};

export async function securityPage(user: Profile): Promise<HTMLElement> {
  if (user.role === "client") return notFoundPage();
  const summary = await mfaSummary();
  let list = methodsList(summary);
  // The summary again, after a change.
  const refresh = async (): Promise<MfaSummary> => {
    const next = await mfaSummary();
    const fresh = methodsList(next);
    list.replaceWith(fresh);
    list = fresh;
    return next;
  };
  // What depends on the methods there are: new backup codes, and removing one.
  const managed = h("div", {});
  const manage = (current: MfaSummary): void => {
    const factor = current.methods.some((method) => method !== "backup_code");
    managed.replaceChildren(
      ...(factor ? [newBackupCodes(() => void refresh().catch(() => undefined))] : []),
      ...(current.methods.length > 0 ? [removeMethod(current.methods)] : []),
    );
  };
  manage(summary);
  // A factor turned on: its set-up shows the backup codes, this once, and stays;
  // the rest is drawn again (but not over new backup codes being shown).
  const done = (): void => {
    void refresh()
      .then((next) => {
        if (!managed.querySelector(".codes")) manage(next);
      })
      .catch(() => undefined);
  };
  const has = (method: Method): boolean => summary.methods.includes(method);
  return h(
    "section",
    { class: "security" },
    h("h1", { tabindex: "-1" }, t("security.title")),
    list,
    has("totp") ? null : appSetUp({ api: call, done }),
    has("sms") ? null : smsSetUp({ api: call, done }),
    managed,
    changePassword(),
  );
}

const mfaSummary = (): Promise<MfaSummary> => call<MfaSummary>("GET", "/mfa");

function methodsList(summary: MfaSummary): HTMLElement {
  const on = (method: Method): string => t(summary.methods.includes(method) ? "security.on" : "security.off");
  return h(
    "dl",
    { class: "methods" },
    h("dt", {}, t("security.app")),
    h("dd", {}, on("totp")),
    h("dt", {}, t("security.sms")),
    h("dd", {}, on("sms")),
    h("dt", {}, t("security.push")),
    h(
      "dd",
      {},
      summary.push_devices.length === 0
        ? t("security.off")
        : h(
            "ul",
            { class: "phones" },
            ...summary.push_devices.map((device) =>
              h("li", {}, t("security.phone_added", { name: device.name, date: formatDate(device.created_at) })),
            ),
          ),
    ),
    h("dt", {}, t("security.backup_left")),
    h("dd", {}, String(summary.backup_codes_left)),
  );
}

function newBackupCodes(made: () => void): HTMLElement {
  const alert = alertBox();
  const [password, input] = passwordAgain("codes-password");
  const submit = h("button", { type: "submit", class: "secondary" }, t("security.codes_new"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        const { backup_codes } = await call<{ backup_codes: string[] }>("POST", "/mfa/backup-codes", {
          password: input.value,
        });
        const shown = codesShown(backup_codes);
        form.replaceWith(shown);
        shown.focus();
        made();
      }),
    },
    h("p", {}, t("security.codes_intro")),
    password,
    submit,
  );
  return titled("codes-title", t("security.codes_title"), form, alert);
}

// One form for every method: which, and the password again.
function removeMethod(methods: Method[]): HTMLElement {
  const alert = alertBox();
  const which = h(
    "select",
    { id: "remove-method" },
    ...methods.map((method) => h("option", { value: method }, t(METHOD_NAMES[method]))),
  );
  const [password, input] = passwordAgain("remove-password");
  const submit = h("button", { type: "submit", class: "danger" }, t("security.remove"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        await call("DELETE", `/mfa/${encodeURIComponent(which.value)}`, { password: input.value });
        await rerender();
      }),
    },
    h("p", {}, t("security.remove_intro")),
    h("label", { for: "remove-method" }, t("security.remove_which")),
    which,
    password,
    submit,
  );
  return titled("remove-title", t("security.remove_title"), form, alert);
}

function changePassword(): HTMLElement {
  const alert = alertBox();
  const status = statusLine();
  const [currentLabel, current] = field("current-password", t("security.current_password"), {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const [newLabel, next] = field("new-password", t("reset.password"), {
    type: "password",
    autocomplete: "new-password",
    required: true,
    maxlength: "128",
  });
  const [againLabel, again] = field("new-password-again", t("reset.confirm"), {
    type: "password",
    autocomplete: "new-password",
    required: true,
    maxlength: "128",
  });
  const submit = h("button", { type: "submit" }, t("security.password_change"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        status.textContent = "";
        if (next.value !== again.value) {
          alert.replaceChildren(h("p", {}, t("reset.mismatch")));
          return;
        }
        await call("POST", "/auth/password/change", { current_password: current.value, new_password: next.value });
        form.reset();
        status.textContent = t("security.password_changed");
      }),
    },
    currentLabel,
    current,
    newLabel,
    next,
    againLabel,
    again,
    submit,
  );
  return titled("password-title", t("security.password_title"), form, status, alert);
}
