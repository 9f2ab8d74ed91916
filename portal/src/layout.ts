// The frame of every page: the portal's name, the language, and (signed in) the
// Menu with the user's name and Sign out; then the page itself in <main>.
import { type Profile, call } from "./api";
import { h } from "./dom";
import { errorText } from "./errors";
import { LANGUAGES, isLanguage, language, setLanguage, t } from "./i18n";
import { navigate, rerender } from "./router";
import { remember } from "./session";

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
    page,
  );
  return [h("a", { href: "#main", class: "skip" }, t("app.skip")), header, main];
}

function languagePicker(user: Profile | null, id: string): HTMLElement {
  const alert = h("p", { role: "alert", class: "error" });
  const select = h(
    "select",
    {
      id,
      onchange: () => void choose(select.value),
    },
    ...LANGUAGES.map(({ code, name }) =>
      h("option", { value: code, lang: code, selected: code === language() }, name),
    ),
  );
  async function choose(value: string): Promise<void> {
    if (!isLanguage(value)) return;
    if (user) {
      try {
        // Remembered for the portal and every email.
        remember(await call<Profile>("PUT", "/me/language", { language: value }));
      } catch (err) {
        alert.textContent = errorText(err);
        return;
      }
    } else {
      setLanguage(value);
    }
    rerender();
    // The picker is drawn again: keep the focus where the user was.
    requestAnimationFrame(() => document.getElementById(id)?.focus());
  }
  return h("div", { class: "language" }, h("label", { for: id }, t("language.label")), select, alert);
}

function menu(user: Profile): HTMLElement {
  const panel = h(
    "div",
    { id: "menu-panel", class: "menu-panel", hidden: true },
    h("p", {}, t("menu.signed_in_as", { name: user.name })),
    languagePicker(user, "language-menu"),
    h("button", { type: "button", class: "secondary", onclick: () => void signOut() }, t("menu.sign_out")),
  );
  const button = h(
    "button",
    { type: "button", class: "menu-button", "aria-expanded": "false", "aria-controls": "menu-panel" },
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
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggle(false);
      button.focus();
    }
  });
  async function signOut(): Promise<void> {
    await call("POST", "/auth/logout").catch(() => undefined);
    remember(null);
    navigate("/?signed-out");
  }
  return h("nav", { class: "menu", "aria-label": t("menu.open") }, button, panel);
}
