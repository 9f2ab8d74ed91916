// A case: its documents, newest first, with download; sending documents with a
// message; and, with more than one case, a menu to switch.
import { ApiError, type Case, type DocumentItem, type DocumentPage, type UploadTicket, call } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { formatDate, formatSize, t, tCount } from "../i18n";
import { putFile } from "../upload";

export async function casePage(caseId: string): Promise<HTMLElement> {
  const { cases } = await call<{ cases: Case[] }>("GET", "/cases");
  const current = cases.find((item) => item.id === caseId);
  if (!current) {
    return h(
      "section",
      {},
      h("h1", { tabindex: "-1" }, t("case.not_found")),
      h("p", {}, h("a", { href: "/", "data-app-link": true }, t("common.start"))),
    );
  }
  const documents = documentsSection(caseId);
  return h(
    "section",
    { class: "case" },
    h(
      "div",
      { class: "case-head" },
      h("div", {}, h("h1", { tabindex: "-1" }, current.title), h("p", { class: "firm" }, t("case.firm", { firm: current.firm.name }))),
      cases.length > 1 ? switchMenu(cases, caseId) : null,
    ),
    h(
      "nav",
      { class: "tabs", "aria-label": t("case.tabs") },
      h("a", { href: `/cases/${caseId}`, "aria-current": "page", "data-app-link": true }, t("docs.tab")),
    ),
    documents.element,
    sendSection(caseId, documents.refresh),
  );
}

// "Switch case": a button that shows the user's other cases as links.
function switchMenu(cases: Case[], caseId: string): HTMLElement {
  const list = h(
    "ul",
    { id: "switch-case-list", class: "switch-list", hidden: true },
    ...cases.map((item) =>
      h(
        "li",
        {},
        h(
          "a",
          {
            href: `/cases/${item.id}`,
            "data-app-link": true,
            "aria-current": item.id === caseId ? "page" : undefined,
          },
          item.title,
        ),
      ),
    ),
  );
  const button = h(
    "button",
    { type: "button", id: "switch-case", class: "secondary", "aria-expanded": "false", "aria-controls": "switch-case-list" },
    t("case.switch"),
  );
  const toggle = (open: boolean): void => {
    list.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => {
    toggle(list.hidden === true);
    if (!list.hidden) list.querySelector("a")?.focus();
  });
  const menu = h("div", { class: "switch" }, button, list);
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !list.hidden) {
      toggle(false);
      button.focus();
    }
  });
  return menu;
}

// The documents, a page at a time; `refresh` reloads them, and keeps doing so
// while any is still being checked.
function documentsSection(caseId: string): { element: HTMLElement; refresh: () => void } {
  // Busy until the first page is in, for assistive technology (and tests).
  const list = h("ul", { class: "documents", "aria-busy": "true" });
  const empty = h("p", { hidden: true }, t("docs.empty"));
  const alert = h("p", { role: "alert", class: "error" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("docs.more"));
  let cursor: string | null = null;
  let polls = 0;
  // One load at a time; a refresh asked for meanwhile runs once it is done.
  let loading = false;
  let refreshAgain = false;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;

  async function load(append: boolean): Promise<void> {
    if (loading) {
      refreshAgain ||= !append;
      return;
    }
    loading = true;
    more.disabled = true;
    try {
      const query = append && cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
      const page = await call<DocumentPage>("GET", `/cases/${caseId}/documents${query}`);
      const items = page.documents.map((doc) => documentItem(caseId, doc, alert));
      if (append) list.append(...items);
      else list.replaceChildren(...items);
      list.setAttribute("aria-busy", "false");
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      empty.hidden = list.childElementCount > 0;
      alert.textContent = "";
      // The first new document takes the focus "Show more" had.
      if (append) items[0]?.querySelector<HTMLElement>("button, .file-name")?.focus();
      // Documents still being checked: look again in a moment (the first page).
      clearTimeout(pollTimer);
      const checking = page.documents.some((doc) => doc.status === "pending");
      if (checking && polls < 30) {
        polls += 1;
        pollTimer = setTimeout(() => {
          if (list.isConnected) void load(false);
        }, 1000);
      }
    } catch (err) {
      alert.textContent = errorText(err);
    } finally {
      loading = false;
      more.disabled = false;
      if (refreshAgain) {
        refreshAgain = false;
        void load(false);
      }
    }
  }
  more.addEventListener("click", () => void load(true));
  void load(false);
  const element = h(
    "section",
    { "aria-labelledby": "documents-title" },
    h("h2", { id: "documents-title" }, t("docs.title")),
    alert,
    empty,
    list,
    more,
  );
  return {
    element,
    refresh: () => {
      polls = 0;
      void load(false);
    },
  };
}

function documentItem(caseId: string, doc: DocumentItem, alert: HTMLElement): HTMLElement {
  const details = [
    doc.uploaded_by.name,
    doc.uploaded_at ? formatDate(doc.uploaded_at) : null,
    formatSize(doc.size_bytes),
  ].filter((part): part is string => part !== null);
  let action: HTMLElement;
  if (doc.status === "available") {
    action = h(
      "button",
      {
        type: "button",
        "aria-label": t("docs.download_label", { file: doc.file_name }),
        onclick: () => void download(),
      },
      t("docs.download"),
    );
  } else {
    action = h("span", { class: `badge ${doc.status}` }, t(doc.status === "pending" ? "docs.pending" : "docs.rejected"));
  }
  async function download(): Promise<void> {
    try {
      const { url } = await call<{ url: string }>(
        "GET",
        `/cases/${caseId}/documents/${doc.id}/download`,
      );
      // An attachment: the browser saves it and the page stays.
      location.assign(url);
    } catch (err) {
      alert.textContent = errorText(err);
    }
  }
  return h(
    "li",
    { class: "document" },
    h(
      "div",
      {},
      h("p", { class: "file-name", tabindex: "-1" }, doc.file_name),
      h("p", { class: "meta" }, details.join(" · ")),
      doc.message ? h("p", { class: "message" }, t("docs.message", { message: doc.message })) : null,
    ),
    action,
  );
}

// Sending files with an optional message: one request for the upload URLs,
// then each file straight to S3 with its own progress bar.
function sendSection(caseId: string, sent: () => void): HTMLElement {
  const files = h("input", { id: "send-files", type: "file", multiple: true, "aria-describedby": "send-files-hint" });
  const message = h("textarea", { id: "send-message", maxlength: "2000", rows: "3" });
  const submit = h("button", { type: "submit" }, t("send.submit"));
  const progress = h("ul", { class: "progress" });
  const status = h("p", { role: "status", class: "status" });
  const alert = h("p", { role: "alert", class: "error" });
  const form = h(
    "form",
    {
      onsubmit: (event) => {
        event.preventDefault();
        void send();
      },
    },
    h("label", { for: "send-files" }, t("send.files")),
    files,
    h("p", { id: "send-files-hint", class: "hint" }, t("send.files_hint")),
    h("label", { for: "send-message" }, t("send.message")),
    message,
    submit,
  );

  async function send(): Promise<void> {
    const chosen = Array.from(files.files ?? []);
    alert.textContent = "";
    status.textContent = "";
    if (chosen.length === 0) {
      alert.textContent = t("send.none");
      files.focus();
      return;
    }
    submit.disabled = true;
    progress.replaceChildren();
    const names = chosen.map((file) => file.name);
    try {
      const text = message.value.trim();
      const { documents } = await call<{ documents: UploadTicket[] }>(
        "POST",
        `/cases/${caseId}/documents`,
        {
          files: chosen.map((file) => ({
            file_name: file.name,
            // A browser that cannot tell a file's type gives "": the API refuses it
            // with the file named.
            content_type: file.type || "application/octet-stream",
            size_bytes: file.size,
          })),
          ...(text ? { message: text } : {}),
        },
      );
      const bars = chosen.map((file) => {
        const bar = h("progress", { max: "1", value: "0", "aria-label": t("send.progress", { file: file.name }) });
        progress.append(h("li", {}, h("span", {}, file.name), bar));
        return bar;
      });
      const results = await Promise.allSettled(
        documents.map((ticket, index) => {
          const file = chosen[index];
          const bar = bars[index];
          if (!file || !bar) return Promise.reject(new Error("a ticket without its file"));
          return putFile(ticket, file, (fraction) => (bar.value = fraction)).then(() => {
            bar.value = 1;
          });
        }),
      );
      const failed = results.flatMap((result, index) => {
        if (result.status === "fulfilled") return [];
        bars[index]?.closest("li")?.classList.add("failed");
        return [names[index] ?? ""];
      });
      const delivered = chosen.length - failed.length;
      if (delivered > 0) status.textContent = tCount("send.sent", delivered);
      if (failed.length > 0) {
        // Those sent are sent: only the failed ones are to be chosen again.
        alert.textContent = [...failed.map((file) => t("send.failed", { file })), t("send.failed_again")].join(" ");
      }
      form.reset();
      sent();
    } catch (err) {
      if (err instanceof ApiError && err.error.file_index !== undefined) files.focus();
      alert.textContent = errorText(err, names);
    } finally {
      submit.disabled = false;
    }
  }
  return h(
    "section",
    { "aria-labelledby": "send-title", class: "send" },
    h("h2", { id: "send-title" }, t("send.title")),
    form,
    progress,
    status,
    alert,
  );
}
