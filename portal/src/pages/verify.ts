// The page a sign-in link opens. Opening it spends nothing (mail scanners open
// links): only the button's POST does, once.
import { ApiError, call, type Profile } from "../api";
import { h } from "../dom";
import { errorText } from "../errors";
import { t } from "../i18n";
import { casePath, navigate, pageToken } from "../router";
import { remember, takeNext } from "../session";
import { signInSection } from "./sign-in";

// An email about a case signs in with `&case=…`: the case to open.
function caseOfLink(): string | null {
  return casePath(new URLSearchParams(location.search).get("case"));
}

export function verifyPage(): HTMLElement {
  const token = pageToken();
  if (!token) return signInSection("verify.no_token");
  const alert = h("p", { role: "alert", class: "error" });
  const button = h(
    "button",
    { type: "button", onclick: () => void spend() },
    t("verify.continue"),
  );
  const page = h(
    "section",
    {},
    h("h1", { tabindex: "-1" }, t("verify.title")),
    h("p", {}, t("verify.intro")),
    button,
    alert,
  );
  async function spend(): Promise<void> {
    button.disabled = true;
    try {
      const signedIn = await call<{ user: Profile }>("POST", "/auth/login-link/verify", { token });
      remember(await call<Profile>("GET", "/me").catch(() => signedIn.user));
      const remembered = takeNext();
      navigate(caseOfLink() ?? remembered, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 410) {
        const again = signInSection("verify.expired");
        page.replaceWith(again);
        again.querySelector("input")?.focus();
        return;
      }
      alert.textContent = errorText(err);
      button.disabled = false;
    }
  }
  return page;
}
