// Clients and cases: create a case, add a client to a case (created as a client
// of the firm if new; they are emailed a sign-in link), and make a colleague
// responsible for a case.
import { type Case, call } from "../../api";
import { h } from "../../dom";
import { alertBox, field, statusLine, submitting, titled } from "../../forms";
import { formatDate, t } from "../../i18n";
import { casePath } from "../../router";
import { type FirmUser, firmUsers, languageSelect, userSelect } from "./users";

export async function casesPage(): Promise<HTMLElement> {
  const [cases, colleagues] = await Promise.all([
    call<{ cases: Case[] }>("GET", "/cases").then((answer) => answer.cases),
    firmUsers(),
  ]);
  const status = statusLine();
  const list = h("ul", { class: "case-list" });
  const pickers: HTMLSelectElement[] = [];
  // The cases as they are now, in the list and in every form's choice of case.
  const show = (next: Case[]): void => {
    list.replaceChildren(
      ...next.map((c) =>
        h(
          "li",
          {},
          h("a", { href: casePath(c.id) ?? "/", "data-app-link": true }, c.title),
          " ",
          h("span", { class: "hint" }, t("cases.updated", { date: formatDate(c.updated_at) })),
        ),
      ),
    );
    for (const picker of pickers) {
      const chosen = picker.value;
      picker.replaceChildren(...next.map((c) => h("option", { value: c.id, selected: c.id === chosen }, c.title)));
    }
  };
  const casePicker = (id: string): HTMLSelectElement => {
    const picker = h("select", { id, required: true });
    pickers.push(picker);
    return picker;
  };
  const said = async (done: string): Promise<void> => {
    show((await call<{ cases: Case[] }>("GET", "/cases")).cases);
    status.textContent = done;
  };
  const page = h(
    "div",
    {},
    status,
    titled("cases-title", t("cases.title"), list),
    newCase(said),
    addClient(casePicker("client-case"), said),
    addColleague(casePicker("colleague-case"), colleagues, said),
  );
  show(cases);
  return page;
}

type Said = (done: string) => Promise<void>;

// Makes `user` a member of the case chosen in `picker`; the case's title.
async function addMember(picker: HTMLSelectElement, user: string): Promise<string> {
  const path = `/firm/cases/${encodeURIComponent(picker.value)}/members/${encodeURIComponent(user)}`;
  await call("PUT", path);
  return picker.selectedOptions[0]?.textContent ?? "";
}

function newCase(said: Said): HTMLElement {
  const alert = alertBox();
  const [label, title] = field("case-title", t("cases.case_title"), { required: true, maxlength: "200" });
  const submit = h("button", { type: "submit" }, t("cases.create"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        const made = await call<Case>("POST", "/firm/cases", { title: title.value.trim() });
        form.reset();
        await said(t("cases.created", { title: made.title }));
      }),
    },
    label,
    title,
    submit,
  );
  return titled("new-case-title", t("cases.new"), form, alert);
}

function addClient(picker: HTMLSelectElement, said: Said): HTMLElement {
  const alert = alertBox();
  const [emailLabel, email] = field("client-email", t("signin.email"), { type: "email", required: true });
  const [nameLabel, name] = field("client-name", t("users.name"), { required: true, maxlength: "200" });
  const language = languageSelect("client-language");
  const submit = h("button", { type: "submit" }, t("cases.add_client"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        const client = await call<{ id: string; name: string; email_undeliverable: boolean }>("POST", "/firm/clients", {
          email: email.value.trim(),
          name: name.value.trim(),
          language: language.value,
        });
        const title = await addMember(picker, client.id);
        form.reset();
        const added = t("cases.client_added", { name: client.name, title });
        await said(client.email_undeliverable ? `${added} ${t("mail.undeliverable")} ${t("mail.ask_another")}` : added);
      }),
    },
    h("p", {}, t("cases.add_client_intro")),
    h("label", { for: "client-case" }, t("cases.case")),
    picker,
    emailLabel,
    email,
    nameLabel,
    name,
    h("label", { for: "client-language" }, t("users.language")),
    language,
    submit,
  );
  return titled("add-client-title", t("cases.add_client_title"), form, alert);
}

function addColleague(
  picker: HTMLSelectElement,
  colleagues: FirmUser[],
  said: Said,
): HTMLElement {
  const alert = alertBox();
  const who = userSelect("colleague", colleagues);
  const submit = h("button", { type: "submit" }, t("cases.add_colleague"));
  const form = h(
    "form",
    {
      onsubmit: submitting(submit, alert, async () => {
        const name = colleagues.find((user) => user.id === who.value)?.name ?? "";
        const title = await addMember(picker, who.value);
        await said(t("cases.colleague_added", { name, title }));
      }),
    },
    h("label", { for: "colleague-case" }, t("cases.case")),
    picker,
    h("label", { for: "colleague" }, t("cases.colleague")),
    who,
    submit,
  );
  return titled("add-colleague-title", t("cases.add_colleague_title"), form, alert);
}
