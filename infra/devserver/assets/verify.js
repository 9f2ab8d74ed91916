// The script of the page an emailed link opens (see pages.rs).
const token = new URLSearchParams(location.search).get("token") || "";
history.replaceState(null, "", location.pathname);
const status = document.getElementById("status");
document.getElementById("continue").addEventListener("click", async (event) => {
  event.target.disabled = true;
  const answer = await fetch("/auth/login-link/verify", {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({token}),
  });
  const body = await answer.json();
  if (!answer.ok) { status.textContent = body.error.message; return; }
  status.textContent = "Signed in as " + body.user.name + ".";
  const me = await fetch("/me", {headers: {authorization: "Bearer " + body.session_token}});
  const profile = document.getElementById("profile");
  profile.textContent = JSON.stringify(await me.json(), null, 2);
  profile.hidden = false;
});
