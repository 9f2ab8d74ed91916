// POST /auth/login-link and POST /auth/login-link/verify, as a careful Node.js 20
// engineer would write them for Lambda: the AWS SDK for JavaScript v3, its clients
// and the server key made once at init (top-level await), and the same DynamoDB
// and SES calls the Rust functions make: two rate-limit counters, the address's
// claim and profile, the suppression check, the link and its audit entry in one
// transaction, then the email; and to verify, the link and its user, then the
// link spent, the session and two audit entries in one transaction.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import {
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";

const TABLE = process.env.TABLE_NAME;
const SENDER = process.env.SENDER_EMAIL;
const PORTAL = process.env.PORTAL_URL;
const CONFIGURATION_SET = process.env.SES_CONFIGURATION_SET || undefined;
const LINK_SECONDS = 3600;
const SESSION_SECONDS = 12 * 3600;
const IDLE_SECONDS = 30 * 60;
const LIMIT_WINDOW_SECONDS = 3600;
const LIMIT = Number(process.env.LOGIN_LINK_LIMIT_PER_EMAIL ?? 5);
const ACCEPTED =
  "If this email address belongs to a client account, a sign-in link is on its way. The link works once, for 1 hour.";

const dynamo = new DynamoDBClient({});
const ses = new SESv2Client({});
const secrets = new SecretsManagerClient({});
const serverKey = (
  await secrets.send(new GetSecretValueCommand({ SecretId: process.env.SERVER_KEY_SECRET_ID }))
).SecretString;

const digest = (label, value) => createHmac("sha256", serverKey).update(`${label}\0${value}`).digest("hex");
const token = () => randomBytes(32).toString("base64url");
const isToken = (raw) => typeof raw === "string" && /^[A-Za-z0-9_-]{43}$/.test(raw);
const epoch = () => Math.floor(Date.now() / 1000);
const n = (value) => ({ N: String(value) });
const s = (value) => ({ S: String(value) });

function answer(statusCode, body, headers = {}) {
  return {
    statusCode,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

function jsonBody(event) {
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString() : event.body;
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}

async function get(pk, sk) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { pk: s(pk), sk: s(sk) } }));
  return Item;
}

// One slot of a fixed-window counter; false once the window's slots are taken.
async function takeSlot(key) {
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: s(`RATE#${key}`), sk: s("RATE") },
        UpdateExpression: "ADD taken :one SET #ttl = :ttl",
        ConditionExpression: "attribute_not_exists(taken) OR taken < :max",
        ExpressionAttributeNames: { "#ttl": "ttl" },
        ExpressionAttributeValues: { ":one": n(1), ":max": n(LIMIT), ":ttl": n(epoch() + LIMIT_WINDOW_SECONDS) },
      }),
    );
    return true;
  } catch (error) {
    if (error.name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

function audit(userId, kind, at, sourceIp, detail) {
  const item = {
    pk: s(`USER#${userId}`),
    sk: s(`${new Date(at * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")}#${randomUUID()}`),
    kind: s(kind),
    at: n(at),
  };
  if (sourceIp) item.source_ip = s(sourceIp);
  if (detail) item.detail = s(detail);
  return { Put: { TableName: TABLE, Item: item, ConditionExpression: "attribute_not_exists(pk)" } };
}

export async function requestLoginLink(event) {
  const body = jsonBody(event);
  const email = typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || email.length > 254) {
    return answer(400, { error: "invalid_email", message: "That is not a valid email address." });
  }
  const sourceIp = event.requestContext?.http?.sourceIp ?? "";
  const allowed = await Promise.all([
    takeSlot(`login-link-email:${digest("limit", email)}`),
    takeSlot(`login-link-ip:${digest("limit", sourceIp)}`),
  ]);
  if (allowed.includes(false)) {
    return answer(429, { error: "rate_limited", message: "Too many requests. Please try again later." });
  }
  const claim = await get(`EMAIL#${email}`, "EMAIL");
  const user = claim && (await get(`USER#${claim.user_id.S}`, "PROFILE"));
  if (user?.role?.S === "client") {
    const now = epoch();
    const link = token();
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: TABLE,
              Item: {
                pk: s(`LOGINLINK#${digest("login-link", link)}`),
                sk: s("LOGINLINK"),
                user_id: user.id,
                created_at: n(now),
                expires_at: n(now + LINK_SECONDS),
                credential_version: user.credential_version,
                ttl: n(now + LINK_SECONDS),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          audit(user.id.S, "login_link_issued", now, sourceIp),
        ],
      }),
    );
    if (!(await get(`SUPPRESSED#${email}`, "SUPPRESSED"))) {
      const url = `${PORTAL}/auth/verify?token=${link}`;
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: SENDER,
          Destination: { ToAddresses: [email] },
          ConfigurationSetName: CONFIGURATION_SET,
          Content: {
            Simple: {
              Subject: { Data: "Your sign-in link", Charset: "UTF-8" },
              Body: {
                Text: { Data: `Hello ${user.name.S},\n\nSign in: ${url}\n\nThe link works once, for 1 hour.`, Charset: "UTF-8" },
                Html: { Data: `<p>Hello ${escape(user.name.S)},</p><p><a href="${url}">Sign in</a></p>`, Charset: "UTF-8" },
              },
            },
          },
        }),
      );
    }
  }
  return answer(202, { message: ACCEPTED });
}

function escape(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const EXPIRED = { error: "link_expired", message: "This sign-in link has expired or has already been used. Please request a new one." };

export async function verifyLoginLink(event) {
  const raw = jsonBody(event)?.token;
  if (!isToken(raw)) return answer(401, EXPIRED);
  const now = epoch();
  const linkKey = `LOGINLINK#${digest("login-link", raw)}`;
  const link = await get(linkKey, "LOGINLINK");
  if (!link || link.used_at || Number(link.expires_at.N) <= now) return answer(401, EXPIRED);
  const user = await get(`USER#${link.user_id.S}`, "PROFILE");
  if (user?.role?.S !== "client" || user.credential_version.N !== link.credential_version.N) {
    return answer(401, EXPIRED);
  }
  const session = token();
  const sessionKey = `SESSION#${digest("session", session)}`;
  const sourceIp = event.requestContext?.http?.sourceIp ?? "";
  try {
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: TABLE,
              Key: { pk: s(linkKey), sk: s("LOGINLINK") },
              UpdateExpression: "SET used_at = :now",
              ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(used_at) AND expires_at > :now",
              ExpressionAttributeValues: { ":now": n(now) },
            },
          },
          {
            Put: {
              TableName: TABLE,
              Item: {
                pk: s(sessionKey),
                sk: s("SESSION"),
                gsi1pk: s(`USER#${user.id.S}`),
                gsi1sk: s(sessionKey),
                user_id: user.id,
                role: user.role,
                created_at: n(now),
                expires_at: n(now + SESSION_SECONDS),
                last_seen_at: n(now),
                idle_timeout_seconds: n(IDLE_SECONDS),
                enrollment_only: { BOOL: false },
                credential_version: user.credential_version,
                ttl: n(now + SESSION_SECONDS),
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          audit(user.id.S, "login_link_used", now, sourceIp),
          audit(user.id.S, "signed_in", now, sourceIp, "login_link"),
        ],
      }),
    );
  } catch (error) {
    if (error.name === "TransactionCanceledException") return answer(401, EXPIRED);
    throw error;
  }
  const expiresAt = new Date((now + SESSION_SECONDS) * 1000).toISOString();
  return answer(
    200,
    {
      session_token: session,
      expires_at: expiresAt,
      user: { id: user.id.S, name: user.name.S, email: user.email.S, role: "client", language: user.language.S },
    },
    { "set-cookie": `session=${session}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}` },
  );
}
