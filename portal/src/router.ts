// The app's pages by path, the same paths emailed links use; navigation without
// reloading (history API), and links the app handles itself.

type Render = () => Promise<void>;
let render: Render = () => Promise.resolve();
// The path and query last drawn: a change of the #fragment alone (the skip
// link) is not a new page.
let drawn = "";

const place = (): string => location.pathname + location.search;

export function onNavigate(next: Render): void {
  render = () => {
    drawn = place();
    return next();
  };
  window.addEventListener("popstate", () => {
    if (place() !== drawn) void render();
  });
  document.addEventListener("click", (event) => {
    const link = (event.target as Element | null)?.closest?.("a[data-app-link]");
    if (!(link instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
}

export function navigate(path: string, { replace = false } = {}): void {
  history[replace ? "replaceState" : "pushState"](null, "", path);
  void render();
}

// Draws the current page again (a new language); resolves once it is drawn.
export function rerender(): Promise<void> {
  return render();
}

// The tokens emailed links carry (`?token=…`), taken out of the address bar at
// once, so they are not in what is bookmarked, shared or shown on screen; a page
// asks for its own.
const tokens = new Map<string, string>();

export function takeTokenFromAddress(): void {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  tokens.set(url.pathname, token);
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search);
}

export function pageToken(): string {
  return tokens.get(location.pathname) ?? "";
}

// A case's page path, if `id` is a plain identifier (never anything that could
// lead elsewhere).
export function casePath(id: string | null | undefined): string | null {
  return id && /^[\w-]+$/.test(id) ? `/cases/${id}` : null;
}
