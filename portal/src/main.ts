// The client portal: one page app on the API's origin. Each path is a page, the
// same paths emailed links point to.
import "./style.css";
import { type Case, call, onSessionEnded } from "./api";
import { h } from "./dom";
import { errorText } from "./errors";
import { language, setLanguage, t } from "./i18n";
import { frame, frameTakesFocus } from "./layout";
import { casePage } from "./pages/case";
import { adminPage, isAdminPath } from "./pages/admin/frame";
import { firmSignInPage } from "./pages/firm-sign-in";
import { securityPage } from "./pages/security";
import { recoveryPage } from "./pages/recovery";
import { resetPage } from "./pages/reset";
import { signInSection } from "./pages/sign-in";
import { notFoundPage, reviewPage } from "./pages/simple";
import { verifyPage } from "./pages/verify";
import { navigate, onNavigate, rerender, takeTokenFromAddress } from "./router";
import { currentUser, forget, rememberNext } from "./session";

const root = document.getElementById("app") as HTMLElement;
let firstRender = true;
// Each render's number: a slow page that finishes after a newer one is dropped.
let renders = 0;
// The API said the session is over while a page was open: the page is drawn
// again signed out, saying so.
let sessionOver = false;
onSessionEnded(() => {
  if (sessionOver) return;
  sessionOver = true;
  forget();
  void rerender();
});

async function page(path: string): Promise<HTMLElement> {
  switch (path) {
    case "/auth/verify":
      return verifyPage();
    case "/auth/reset":
      return resetPage();
    case "/recovery":
      return recoveryPage();
    case "/recovery/review":
      return reviewPage();
    case "/firm/sign-in":
      return firmSignInPage();
    case "/security": {
      const user = await currentUser();
      return user ? securityPage(user) : firmSignInPage();
    }
    case "/admin":
      queueMicrotask(() => navigate("/admin/users", { replace: true }));
      return h("p", {}, t("common.loading"));
    case "/":
      return home();
  }
  if (isAdminPath(path)) {
    const user = await currentUser();
    return user ? adminPage(user, path) : firmSignInPage();
  }
  const caseId = /^\/cases\/([\w-]+)$/.exec(path)?.[1];
  if (caseId) {
    if (!(await currentUser())) {
      rememberNext(caseId);
      return signInSection(sessionOver ? "signin.session_ended" : undefined);
    }
    return casePage(caseId);
  }
  return notFoundPage();
}

// Signed out: the sign-in form. Signed in: the most recently updated case.
async function home(): Promise<HTMLElement> {
  if (!(await currentUser())) return signInSection(sessionOver ? "signin.session_ended" : undefined);
  const { cases } = await call<{ cases: Case[] }>("GET", "/cases");
  const first = cases[0];
  if (first) {
    queueMicrotask(() => navigate(`/cases/${first.id}`, { replace: true }));
    return h("p", {}, t("common.loading"));
  }
  return h("section", {}, h("h1", { tabindex: "-1" }, t("app.name")), h("p", {}, t("cases.none")));
}

async function render(): Promise<void> {
  const mine = ++renders;
  const url = new URL(location.href);
  const flash = url.searchParams.has("signed-out") ? t("signin.signed_out") : "";
  let content: HTMLElement;
  try {
    content = await page(url.pathname);
  } catch (err) {
    content = h("p", { role: "alert", class: "error" }, errorText(err));
  }
  const user = await currentUser().catch(() => null);
  if (mine !== renders) return;
  document.title = `${content.querySelector("h1")?.textContent ?? t("app.name")} · Portcullis`;
  root.replaceChildren(...frame(user, content, flash));
  if (!frameTakesFocus() && !firstRender) root.querySelector<HTMLElement>("h1")?.focus();
  firstRender = false;
  if (user) sessionOver = false;
}

takeTokenFromAddress();
setLanguage(language());
onNavigate(render);
void render();
