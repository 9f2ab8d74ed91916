// Who is signed in (as `GET /me` last said), and where to go after signing in.
import { type Profile, me } from "./api";
import { isLanguage, setLanguage } from "./i18n";
import { casePath } from "./router";

let profile: Profile | null | undefined;

// The signed-in user, asked of the API once per page load.
export async function currentUser(): Promise<Profile | null> {
  if (profile === undefined) remember(await me());
  return profile ?? null;
}

export function remember(next: Profile | null): void {
  profile = next;
  if (next && isLanguage(next.language)) setLanguage(next.language);
}

// Signed out, or the session ended: nothing of the user is kept.
export function forget(): void {
  profile = null;
  localStorage.removeItem(NEXT_KEY);
}

const NEXT_KEY = "portcullis.next";
// How long a case link opened while signed out is remembered.
const NEXT_LIFETIME_MS = 60 * 60 * 1000;

// A case link opened while signed out, so the sign-in ends there: the emailed
// link opens in another tab, so it is kept in localStorage, for an hour.
export function rememberNext(caseId: string): void {
  if (casePath(caseId)) {
    localStorage.setItem(NEXT_KEY, JSON.stringify({ caseId, at: Date.now() }));
  }
}

// Where to go once signed in: the remembered case, if still fresh, else `/`.
// Taken once, whatever the link said.
export function takeNext(): string {
  const stored = localStorage.getItem(NEXT_KEY);
  localStorage.removeItem(NEXT_KEY);
  try {
    const { caseId, at } = JSON.parse(stored ?? "null") as { caseId?: string; at?: number };
    if (typeof at === "number" && Date.now() - at < NEXT_LIFETIME_MS) return casePath(caseId) ?? "/";
  } catch {
    // Not ours, or damaged: ignored.
  }
  return "/";
}
