// The app's pages by path, the same paths emailed links use; navigation without
// reloading (history API), and links the app handles itself.

type Render = () => Promise<void>;
let render: Render = () => Promise.resolve();

export function onNavigate(next: Render): void {
  render = next;
  window.addEventListener("popstate", () => void render());
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

export function rerender(): void {
  void render();
}

/// The tokens emailed links carry (`?token=…`), taken out of the address bar at
/// once so they stay out of the history, bookmarks and screen shares; a page
/// asks for its own.
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
