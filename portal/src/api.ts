// The API, on this origin under /api (CloudFront and the dev server both route
// it there), signed in by the HttpOnly `session` cookie.
import type { Language } from "./i18n";

export const API = "/api";

export interface CaseSummary {
  id: string;
  title: string;
}

export interface Profile {
  id: string;
  email: string;
  name: string;
  role: "client" | "staff" | "admin";
  language: Language;
  cases: CaseSummary[];
  // Firm users: when the password expires, and whether it is within 14 days.
  password_expires_at: string | null;
  password_expiry_notice: boolean;
}

export interface Case {
  id: string;
  title: string;
  firm: { name: string };
  updated_at: string;
}

export interface DocumentItem {
  id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  status: "pending" | "available" | "rejected";
  uploaded_by: { name: string; role: string };
  uploaded_at: string | null;
  message: string | null;
}

export interface DocumentPage {
  documents: DocumentItem[];
  next_cursor: string | null;
}

export interface UploadTicket {
  id: string;
  file_name: string;
  upload: { method: "PUT"; url: string; headers: Record<string, string> };
}

export interface ErrorBody {
  code: string;
  message: string;
  file_index?: number;
  limit_bytes?: number;
  feedback?: string[];
}

// A refused or failed call: `status` 0 when the API could not be reached.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorBody,
  ) {
    super(error.message);
  }

  get code(): string {
    return this.error.code;
  }
}

// What to do when the API says the session is over (it expired or was revoked
// while a page was open): set once by the app.
let sessionEnded: () => void = () => undefined;

export function onSessionEnded(handler: () => void): void {
  sessionEnded = handler;
}

// A call of the API, signed in by the session cookie, or by a bearer token (the
// 15-minute session of a firm user made to set up a second step first).
export type Caller = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export const call: Caller = (method, path, body) => request(method, path, body, null);

export function withBearer(token: string): Caller {
  return (method, path, body) => request(method, path, body, token);
}

async function request<T>(method: string, path: string, body: unknown, bearer: string | null): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(API + path, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: "network_error", message: "" });
  }
  if (response.status === 204) return undefined as T;
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (parsed as { error?: ErrorBody } | null)?.error;
    // A 401 `unauthorized` (or API Gateway's own bare 401) from a route that needs
    // a session: it ended. (Any other 401 is a wrong password or code typed again;
    // `GET /me` answers 401 to anyone signed out, and the sign-in routes under
    // /auth are their own answers, but for the signed-in password change; a
    // bearer token's end is its page's to tell.)
    const ended = response.status === 401 && (error === undefined || error.code === "unauthorized");
    const signingIn = path.startsWith("/auth/") && path !== "/auth/password/change";
    if (ended && !bearer && path !== "/me" && !signingIn) sessionEnded();
    throw new ApiError(response.status, error ?? { code: "unexpected_answer", message: "" });
  }
  return parsed as T;
}

// The signed-in user, or null without a session (or with one that ended).
export async function me(): Promise<Profile | null> {
  try {
    return await call<Profile>("GET", "/me");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}
