// The portal's words in English, French and Spanish: the catalogues are data
// (i18n/*.json, one key set, checked by the type system and a test), and the
// language is the user's own once signed in, else the one chosen here before,
// else the browser's.
import en from "./i18n/en.json";
import es from "./i18n/es.json";
import fr from "./i18n/fr.json";

export type Key = keyof typeof en;
export type Language = "en" | "fr" | "es";
export type Params = Record<string, string | number>;

// Each language's name as its own speakers write it.
export const LANGUAGES: readonly { code: Language; name: string }[] = [
  { code: "en", name: "English" },
  { code: "fr", name: "Français" },
  { code: "es", name: "Español" },
];

export const CATALOGUES: Record<Language, Record<Key, string>> = { en, fr, es };

const STORAGE_KEY = "portcullis.language";

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some(({ code }) => code === value);
}

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  const spoken = navigator.languages
    .map((tag) => tag.slice(0, 2).toLowerCase())
    .find(isLanguage);
  return spoken ?? "en";
}

let current: Language = initialLanguage();

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

// The text of `key` in the current language, with `{name}` filled from `params`.
export function t(key: Key, params: Params = {}): string {
  return fill(CATALOGUES[current][key], params);
}

// `key_one` or `key_other` as the language counts `count`, with `{count}` filled.
export function tCount(key: "send.sent", count: number): string {
  const form = new Intl.PluralRules(current).select(count) === "one" ? "one" : "other";
  return t(`${key}_${form}`, { count });
}

export function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}

// A size in the units people read (kB, MB, GB: powers of 1000, as they mean).
export function formatSize(bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(current, {
    style: "unit",
    unit: units[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
