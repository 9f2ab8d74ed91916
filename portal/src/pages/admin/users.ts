// The firm's users: who they are, their second step and password; invite one
// (role and language), force one to change the password, turn one's second
// steps off, and expire every password at once.
import { type Language, LANGUAGES, formatDate, t } from "../../i18n";
import { type Profile, call } from "../../api";
import { h } from "../../dom";
import { alertBox, confirming, field, statusLine, submitting, titled } from "../../forms";

export interface FirmUser {
  id: string;
  email: string;
  name: string;
  role: "staff" | "admin";
  language: Language;
  mfa_enabled: boolean;
  password_set: boolean;
  password_expires_at: string | null;
  email_suppressed: EmailSuppression;
}

// Null while the address is mailed; else SES reported it bounced for good or
// complained, and nothing is mailed to it any more.
type EmailSuppression = { reason: "bounce" | "complaint"; since: string } | null;

// What the firm should know of an address that is mailed no more.
function suppressionNote(suppression: EmailSuppression): string | null {
  if (!suppression) return null;
  return `${t(suppression.reason === "bounce" ? "mail.bounced" : "mail.complained")} ${t("mail.ask_another")}`;
}

export async function firmUsers(): Promise<FirmUser[]> {
  return (await call<{ users: FirmUser[] }>("GET", "/firm/users")).users;
}

export async function usersPage(admin: Profile): Promise<HTMLElement> {
  const status = statusLine();
  const rows = h("tbody", {});
  const draw = (users: FirmUser[]): HTMLElement[] => users.map((user) => userRow(user, user.id === admin.id, refresh));
  // After a change: the rows again, and what was done said (the focus there: the
  // row's buttons are gone).
  const refresh = async (done: string): Promise<void> => {
    rows.replaceChildren(...draw(await firmUsers()));
    status.textContent = done;
    status.focus();
  };
  rows.append(...draw(await firmUsers()));
  return h(
    "div",
    {},
    status,
    h(
      "div",
      { class: "table-scroll", role: "region", tabindex: "0", "aria-label": t("users.caption") },
      h("table", { class: "users" }, h("caption", {}, t("users.caption")), header(), rows),
    ),
    invite(refresh),
    titled(
      "expire-title",
      t("users.expire_all_title"),
      confirming(t("users.expire_all"), t("users.expire_all_question"), t("users.expire_all_yes"), async () => {
        await call("POST", "/firm/users/expire-passwords");
        await refresh(t("users.expired_all"));
      }),
    ),
  );
}

function header(): HTMLElement {
  const columns = ["users.name", "users.role", "users.mfa", "users.password", "users.actions"] as const;
  return h("thead", {}, h("tr", {}, ...columns.map((key) => h("th", { scope: "col" }, t(key)))));
}

type Refresh = (done: string) => Promise<void>;

function unmailed(suppression: EmailSuppression): HTMLElement[] {
  const note = suppressionNote(suppression);
  return note ? [h("br", {}), h("span", { class: "unmailed" }, note)] : [];
}

// A user's row; one's own has no "turn off two-step sign-in" (it would end the
// session in use: My security removes one's own methods).
function userRow(user: FirmUser, self: boolean, refresh: Refresh): HTMLElement {
  const password = !user.password_set
    ? t("users.invited")
    : user.password_expires_at
      ? t("users.expires", { date: formatDate(user.password_expires_at) })
      : t("users.never_expires");
  const who = `${user.name} (${user.email})`;
  return h(
    "tr",
    {},
    h(
      "th",
      { scope: "row" },
      h("span", {}, user.name),
      h("br", {}),
      h("span", { class: "email" }, user.email),
      ...unmailed(user.email_suppressed),
    ),
    h("td", {}, t(user.role === "admin" ? "users.admin" : "users.staff")),
    h("td", {}, t(user.mfa_enabled ? "security.on" : "security.off")),
    h("td", {}, password),
    h(
      "td",
      { class: "actions" },
      user.password_set
        ? confirming(
            t("users.force", { name: user.name }),
            t("users.force_question", { who }),
            t("users.force_yes"),
            async () => {
              await call("POST", `/firm/users/${encodeURIComponent(user.id)}/force-password-change`);
              await refresh(t("users.forced", { name: user.name }));
            },
          )
        : null,
      user.mfa_enabled && !self
        ? confirming(
            t("users.mfa_off", { name: user.name }),
            t("users.mfa_off_question", { who }),
            t("users.mfa_off_yes"),
            async () => {
              await call("DELETE", `/firm/users/${encodeURIComponent(user.id)}/mfa`);
              await refresh(t("users.mfa_turned_off", { name: user.name }));
            },
          )
        : null,
    ),
  );
}

function invite(refresh: Refresh): HTMLElement {
  const alert = alertBox();
  const [emailLabel, email] = field("invite-email", t("signin.email"), { type: "email", required: true });
  const [nameLabel, name] = field("invite-name", t("users.name"), { required: true, maxlength: "200" });
  const role = h(
    "select",
    { id: "invite-role" },
    h("option", { value: "staff" }, t("users.staff")),
    h("option", { value: "admin" }, t("users.admin")),
  );
  const language = languageSelect("invite-language");
  const submit = h("button", { type: "submit" }, t("users.invite"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        await call("POST", "/firm/users", {
          email: email.value.trim(),
          name: name.value.trim(),
          role: role.value,
          language: language.value,
        });
        const invited = t("users.invited_now", { name: name.value.trim(), email: email.value.trim() });
        form.reset();
        await refresh(invited);
      }),
    },
    emailLabel,
    email,
    nameLabel,
    name,
    h("label", { for: "invite-role" }, t("users.role")),
    role,
    h("label", { for: "invite-language" }, t("users.language")),
    language,
    submit,
  );
  return titled("invite-title", t("users.invite_title"), h("p", {}, t("users.invite_intro")), form, alert);
}

// A choice of the firm's users, each by name and address.
export function userSelect(id: string, users: FirmUser[]): HTMLSelectElement {
  return h("select", { id }, ...users.map((user) => h("option", { value: user.id }, `${user.name} (${user.email})`)));
}

// The languages a person's portal and emails can be in, each in its own words.
export function languageSelect(id: string): HTMLSelectElement {
  return h("select", { id }, ...LANGUAGES.map(({ code, name }) => h("option", { value: code, lang: code }, name)));
}
