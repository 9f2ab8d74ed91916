// What to tell the user when a call fails, in their language: the API's stable
// error code picks the sentence; its English `message` is never shown.
import { ApiError } from "./api";
import { CATALOGUES, type Key, formatSize, t } from "./i18n";

function known(code: string): Key | null {
  const key = `error.${code}`;
  return key in CATALOGUES.en ? (key as Key) : null;
}

// `files` names the files of an upload request, so a refused one is named.
export function errorText(err: unknown, files: readonly string[] = []): string {
  if (!(err instanceof ApiError)) return t("error.generic");
  if (err.status === 0) return t("error.network");
  if (err.status >= 500) return t("error.unavailable");
  const key = known(err.code);
  if (!key) return t("error.generic");
  const index = err.error.file_index;
  const file = index === undefined ? "" : (files[index] ?? "");
  const limit = err.error.limit_bytes === undefined ? "" : formatSize(err.error.limit_bytes);
  return t(key, { file, limit });
}
