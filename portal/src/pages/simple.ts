// The pages with little to do: the identity check's explanation, a link's page
// opened without its token, and not found.
import { h } from "../dom";
import { type Key, t } from "../i18n";

// A page an emailed link opens, opened without the link's token.
export function noToken(title: Key, why: Key): HTMLElement {
  return h(
    "section",
    {},
    h("h1", { tabindex: "-1" }, t(title)),
    h("p", { role: "alert", class: "error" }, t(why)),
    h("p", {}, h("a", { href: "/", "data-app-link": true }, t("common.start"))),
  );
}

export function reviewPage(): HTMLElement {
  return h(
    "section",
    {},
    h("h1", { tabindex: "-1" }, t("review.title")),
    h("p", {}, t("review.body")),
  );
}

export function notFoundPage(): HTMLElement {
  return h(
    "section",
    {},
    h("h1", { tabindex: "-1" }, t("notfound.title")),
    h("p", {}, t("notfound.body")),
    h("p", {}, h("a", { href: "/", "data-app-link": true }, t("common.start"))),
  );
}
