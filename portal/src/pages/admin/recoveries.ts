// Account recoveries: start one for a firm user who lost every second step (they
// are emailed a 72-hour link), and the review of those waiting for it, approved
// or refused with a note.
import { type Profile, call } from "../../api";
import { h } from "../../dom";
import { alertBox, statusLine, submitting, titled } from "../../forms";
import { type Key, formatDate, t } from "../../i18n";
import { firmUsers, userSelect } from "./users";

interface Recovery {
  recovery_id: string;
  user: { id: string; name: string; email: string };
  status: "open" | "pending_verification" | "approved" | "rejected" | "expired";
  provider?: string;
  created_at: string;
  expires_at: string;
}

const STATUS: Record<Recovery["status"], Key> = {
  open: "recoveries.open",
  pending_verification: "recoveries.pending",
  approved: "recoveries.approved",
  rejected: "recoveries.rejected",
  expired: "recoveries.expired",
};

const recoveries = async (): Promise<Recovery[]> =>
  (await call<{ recoveries: Recovery[] }>("GET", "/firm/recoveries")).recoveries;

export async function recoveriesPage(admin: Profile): Promise<HTMLElement> {
  const [users, listed] = await Promise.all([firmUsers(), recoveries()]);
  const status = statusLine();
  const list = h("div", { class: "recoveries" });
  const said = async (done: string): Promise<void> => {
    show(await recoveries());
    status.textContent = done;
    status.focus();
  };
  const show = (next: Recovery[]): void => {
    list.replaceChildren(
      next.length === 0 ? h("p", {}, t("recoveries.none")) : h("ul", {}, ...next.map((r) => item(r, r.user.id === admin.id, said))),
    );
  };
  show(listed);

  const alert = alertBox();
  const who = userSelect("recovery-user", users);
  const start = h("button", { type: "submit" }, t("recoveries.start"));
  const form = h(
    "form",
    {
      onsubmit: submitting(start, alert, async () => {
        const name = users.find((user) => user.id === who.value)?.name ?? "";
        const opened = await call<{ expires_at: string }>("POST", `/firm/users/${encodeURIComponent(who.value)}/recovery`);
        await said(t("recoveries.started", { name, date: formatDate(opened.expires_at) }));
      }),
    },
    h("p", {}, t("recoveries.start_intro")),
    h("label", { for: "recovery-user" }, t("recoveries.user")),
    who,
    start,
  );
  return h(
    "div",
    {},
    status,
    titled("start-title", t("recoveries.start_title"), form, alert),
    titled("list-title", t("recoveries.title"), list),
  );
}

function item(recovery: Recovery, own: boolean, said: (done: string) => Promise<void>): HTMLElement {
  const name = recovery.user.name;
  const entry = h(
    "li",
    {},
    h("p", {}, h("strong", {}, `${name} (${recovery.user.email})`), " · ", t(STATUS[recovery.status])),
    h(
      "p",
      { class: "hint" },
      t("recoveries.dates", { created: formatDate(recovery.created_at), expires: formatDate(recovery.expires_at) }),
    ),
  );
  // The manual review's cases waiting for an administrator (another one, for
  // one's own); a provider decides its own.
  if (own || recovery.status !== "pending_verification" || recovery.provider !== "manual") return entry;
  const alert = alertBox();
  const noteId = `note-${recovery.recovery_id}`;
  const note = h("textarea", { id: noteId, maxlength: "1000", rows: "2" });
  const approve = h("button", { type: "submit" }, t("recoveries.approve"));
  const refuse = h("button", { type: "submit", class: "danger" }, t("recoveries.refuse"));
  // One verdict: both buttons wait while it is sent.
  let approved = true;
  approve.addEventListener("click", () => (approved = true));
  refuse.addEventListener("click", () => (approved = false));
  const decide = async (): Promise<void> => {
    refuse.disabled = true;
    try {
      await call("POST", `/firm/recoveries/${encodeURIComponent(recovery.recovery_id)}/decision`, {
        approved,
        note: note.value.trim() || undefined,
      });
    } finally {
      refuse.disabled = false;
    }
    await said(t(approved ? "recoveries.approved_now" : "recoveries.refused_now", { name }));
  };
  const form = h(
    "form",
    { class: "decision", onsubmit: submitting(approve, alert, decide) },
    h("label", { for: noteId }, t("recoveries.note", { name })),
    note,
    h("div", { class: "buttons" }, approve, refuse),
  );
  entry.append(form, alert);
  return entry;
}
