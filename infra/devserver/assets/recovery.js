// The script of the page an emailed link opens (see pages.rs).
const token = encodeURIComponent(new URLSearchParams(location.search).get("token") || "");
history.replaceState(null, "", location.pathname);
const status = document.getElementById("status");
const start = document.getElementById("start");
(async () => {
  const answer = await fetch("/recovery/" + token);
  const body = await answer.json();
  if (!answer.ok) { status.textContent = body.error.message; return; }
  status.textContent = "This link works until " + body.expires_at + ".";
  start.hidden = false;
})();
start.addEventListener("click", async () => {
  start.disabled = true;
  const answer = await fetch("/recovery/" + token + "/submit", {method: "POST"});
  const body = await answer.json();
  if (!answer.ok) { status.textContent = body.error.message; return; }
  status.textContent = "Your identity check has started. Continue at " + body.verification_url +
    " — with the manual review, an administrator of your firm will contact you.";
});
