// The pages with little to do: the identity check's explanation, and not found.
import { h } from "../dom";
import { t } from "../i18n";

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
