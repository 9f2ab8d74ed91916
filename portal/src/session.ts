// Who is signed in (as `GET /me` last said), and where to go after signing in.
import { type Profile, me } from "./api";
import { isLanguage, setLanguage } from "./i18n";

let profile: Profile | null | undefined;

/// The signed-in user, asked of the API once per page load.
export async function currentUser(): Promise<Profile | null> {
  if (profile === undefined) remember(await me());
  return profile ?? null;
}

export function remember(next: Profile | null): void {
  profile = next;
  if (next && isLanguage(next.language)) setLanguage(next.language);
}

const NEXT_KEY = "portcullis.next";

/// A case link opened while signed out: kept so the sign-in ends there (the
/// emailed link opens in another tab, so in localStorage). Only a case path.
export function rememberNext(path: string): void {
  if (/^\/cases\/[\w-]+$/.test(path)) localStorage.setItem(NEXT_KEY, path);
}

export function takeNext(): string {
  const next = localStorage.getItem(NEXT_KEY);
  localStorage.removeItem(NEXT_KEY);
  return next && /^\/cases\/[\w-]+$/.test(next) ? next : "/";
}
