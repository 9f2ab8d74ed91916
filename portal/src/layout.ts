// The frame of every page: the portal's name, the language, and (signed in) the
// Menu with the user's name and Sign out; then the page itself in <main>.
import { ApiError, type Profile, call } from "./api";
import { h } from "./dom";
import { errorText } from "./errors";
import { LANGUAGES, formatDate, isLanguage, language, setLanguage, t } from "./i18n";
import { navigate, rerender } from "./router";
import { forget, remember } from "./session";

// Set while the page is drawn again in a new language chosen in the Menu, so
// the Menu comes back open with the focus where it was.
let reopenMenu = false;

export function frame(user: Profile | null, page: HTMLElement, flash: string): HTMLElement[] {
  const header = h(
    "header",
    { class: "bar" },
    h("a", { href: "/", class: "brand", "data-app-link": true }, t("app.name")),
    user ? menu(user) : languagePicker(null, "language-signed-out"),
  );
  const main = h(
    "main",
    { id: "main", tabindex: "-1" },
    flash ? h("p", { class: "notice", role: "status" }, flash) : null,
    user?.password_expiry_notice && user.password_expires_at
      ? h("p", { class: "notice" }, t("banner.password_expiry", { date: formatDate(user.password_expires_at) }))
      : null,
    page,
  );
  return [h("a", { href: "#main", class: "skip" }, t("app.skip")), header, main];
}

// Whether the frame just drawn wants the focus itself (the Menu reopened).
export function frameTakesFocus(): boolean {
  const taken = reopenMenu;
  reopenMenu = false;
  if (taken) document.getElementById("language-menu")?.focus();
  return taken;
}

// The language, changed with its own button (a select that acted on every arrow
// key would redraw the page under a keyboard user).
function languagePicker(user: Profile | null, id: string): HTMLElement {
  const alert = h("p", { role: "alert", class: "error" });
  const select = h(
    "select",
    { id },
    ...LANGUAGES.map(({ code, name }) =>
      h("option", { value: code, lang: code, selected: code === language() }, name),
    ),
  );
  async function choose(value: string): Promise<void> {
    if (!isLanguage(value) || value === language()) return;
    if (user) {
      try {
        // Remembered for the portal and every email.
        remember(await call<Profile>("PUT", "/me/language", { language: value }));
      } catch (err) {
        alert.textContent = errorText(err);
        return;
      }
      reopenMenu = true;
    } else {
      setLanguage(value);
    }
    await rerender();
    if (!user) document.getElementById(id)?.focus();
  }
  return h(
    "form",
    {
      class: "language",
      onsubmit: (event) => {
        event.preventDefault();
        void choose(select.value);
      },
    },
    h("label", { for: id }, t("language.label")),
    select,
    h("button", { type: "submit", class: "secondary" }, t("language.apply")),
    alert,
  );
}

function menu(user: Profile): HTMLElement {
  const alert = h("p", { role: "alert", class: "error" });
  const panel = h(
    "div",
    { id: "menu-panel", class: "menu-panel", tabindex: "-1", hidden: !reopenMenu },
    h("p", {}, t("menu.signed_in_as", { name: user.name })),
    user.role === "client" ? null : h("p", {}, h("a", { href: "/security", "data-app-link": true }, t("menu.security"))),
    user.role === "admin" ? h("p", {}, h("a", { href: "/admin/users", "data-app-link": true }, t("menu.admin"))) : null,
    languagePicker(user, "language-menu"),
    h("button", { type: "button", class: "secondary", onclick: () => void signOut() }, t("menu.sign_out")),
    alert,
  );
  const button = h(
    "button",
    {
      type: "button",
      class: "menu-button",
      "aria-expanded": String(reopenMenu),
      "aria-controls": "menu-panel",
    },
    t("menu.open"),
  );
  const toggle = (open: boolean): void => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => {
    toggle(panel.hidden === true);
    if (!panel.hidden) panel.querySelector("select")?.focus();
  });
  const nav = h("nav", { class: "menu", "aria-label": t("menu.open") }, button, panel);
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      toggle(false);
      button.focus();
    }
  });
  // Closed once the focus leaves it (Tab past the end, a click elsewhere).
  nav.addEventListener("focusout", (event) => {
    if (!nav.contains(event.relatedTarget as Node | null)) toggle(false);
  });
  async function signOut(): Promise<void> {
    try {
      await call("POST", "/auth/logout");
    } catch (err) {
      // Signed out already (the session had ended): fine. Anything else leaves the
      // session cookie in place: say so, and stay signed in.
      if (!(err instanceof ApiError && err.status === 401)) {
        alert.textContent = errorText(err);
        return;
      }
    }
    forget();
    navigate("/?signed-out");
  }
  return nav;
}
