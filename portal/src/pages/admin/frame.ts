// Administration: for a firm's administrators only, four pages under /admin
// with a navigation between them.
import type { Profile } from "../../api";
import { h } from "../../dom";
import { type Key, t } from "../../i18n";
import { notFoundPage } from "../simple";
import { casesPage } from "./cases";
import { policyPage } from "./policy";
import { recoveriesPage } from "./recoveries";
import { usersPage } from "./users";

const PAGES: readonly { path: string; title: Key; draw: (admin: Profile) => Promise<HTMLElement> }[] = [
  { path: "/admin/users", title: "admin.users", draw: usersPage },
  { path: "/admin/policy", title: "admin.policy", draw: policyPage },
  { path: "/admin/cases", title: "admin.cases", draw: casesPage },
  { path: "/admin/recoveries", title: "admin.recoveries", draw: recoveriesPage },
];

export function isAdminPath(path: string): boolean {
  return PAGES.some((page) => page.path === path);
}

export async function adminPage(user: Profile, path: string): Promise<HTMLElement> {
  const current = PAGES.find((page) => page.path === path);
  if (user.role !== "admin" || !current) return notFoundPage();
  const nav = h(
    "nav",
    { class: "tabs", "aria-label": t("admin.title") },
    ...PAGES.map((page) =>
      h(
        "a",
        { href: page.path, "data-app-link": true, "aria-current": page === current ? "page" : undefined },
        t(page.title),
      ),
    ),
  );
  return h(
    "section",
    { class: "admin" },
    h("h1", { tabindex: "-1" }, t("admin.heading", { page: t(current.title) })),
    nav,
    await current.draw(user),
  );
}
