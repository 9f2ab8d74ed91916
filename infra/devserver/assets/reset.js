// The script of the page an emailed link opens (see pages.rs).
const token = new URLSearchParams(location.search).get("token") || "";
history.replaceState(null, "", location.pathname);
document.getElementById("reset").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await fetch("/auth/password/reset", {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({token, new_password: document.getElementById("password").value}),
  });
  const status = document.getElementById("status");
  if (answer.ok) { status.textContent = "Your password is set. You can sign in with it now."; return; }
  const body = await answer.json();
  status.textContent = [body.error.message, ...(body.error.feedback || [])].join(" ");
});
