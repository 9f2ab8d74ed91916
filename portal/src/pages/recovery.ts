// The page an account-recovery link opens: where the link stands (a GET, which
// spends nothing), and a button that starts the identity check.
import { call } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { formatDate, t } from "../i18n";
import { pageToken } from "../router";
import { noToken } from "./simple";

interface Started {
  verification_url: string;
}

export function recoveryPage(): HTMLElement {
  if (!pageToken()) return noToken("recovery.title", "recovery.no_token");
  const token = encodeURIComponent(pageToken());
  const status = h("p", { role: "status", class: "status" }, t("recovery.checking"));
  const alert = h("p", { role: "alert", class: "error" });
  const start = h(
    "button",
    { type: "button", hidden: true, onclick: () => void submit() },
    t("recovery.start"),
  );
  const page = h(
    "section",
    {},
    h("h1", { tabindex: "-1" }, t("recovery.title")),
    status,
    start,
    alert,
  );
  void (async () => {
    try {
      const link = await call<{ expires_at: string }>("GET", `/recovery/${token}`);
      status.textContent = t("recovery.valid_until", { time: formatDate(link.expires_at) });
      start.hidden = false;
    } catch (err) {
      status.textContent = "";
      alert.textContent = errorText(err);
    }
  })();
  async function submit(): Promise<void> {
    start.disabled = true;
    try {
      const started = await call<Started>("POST", `/recovery/${token}/submit`);
      start.remove();
      status.textContent = t("recovery.started");
      const url = new URL(started.verification_url, location.origin);
      const sameOrigin = url.origin === location.origin;
      // The identity check's address comes from the deployment's settings; only a
      // web address is ever made a link.
      if (!["https:", "http:"].includes(url.protocol)) throw new Error("not a web address");
      page.append(
        h(
          "p",
          {},
          h(
            "a",
            sameOrigin ? { href: url.pathname + url.search, "data-app-link": true } : { href: url.href },
            t("recovery.continue"),
          ),
        ),
      );
    } catch (err) {
      alert.textContent = errorText(err);
      start.disabled = false;
    }
  }
  return page;
}
