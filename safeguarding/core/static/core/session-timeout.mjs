// The GOV.UK timeout warning: two minutes before an inactive session ends, a modal dialog says so and
// offers "Stay signed in". Our own code (no inline script: the Content-Security-Policy forbids it).
//
// Timings come from data attributes on <body> (data-session-timeout, data-session-warning, in seconds;
// data-session-url for the server's answer), so tests can shorten them. Before warning, and again when
// time runs out, the script asks the server how long is really left: another tab may have kept the
// session alive. When the server says the session has ended, a form the user has typed into is
// submitted, so that the server keeps what they typed for them (they get it back, unsaved, after
// signing in again); otherwise the page is reloaded, which takes them to sign in.

const SECOND = 1000;
const ANNOUNCE_EVERY = 15 * SECOND;
// Added to a form submitted because the session ended (accounts/sessions.py EXPIRED_MARKER).
const EXPIRED_MARKER = "app_session_expired";
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), [tabindex]:not([tabindex="-1"])';

export function describe(milliseconds) {
  const seconds = Math.max(0, Math.ceil(milliseconds / SECOND));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

export function startSessionTimeout(body = document.body) {
  const timeout = Number(body.dataset.sessionTimeout) * SECOND;
  const warning = Number(body.dataset.sessionWarning) * SECOND;
  const statusUrl = body.dataset.sessionUrl;
  const dialog = document.querySelector("[data-app-timeout-dialog]");
  if (!timeout || !statusUrl || !dialog || typeof dialog.showModal !== "function") return;

  const heading = dialog.querySelector("h2");
  const countdown = dialog.querySelector("[data-app-timeout-countdown]");
  const announcement = dialog.querySelector("[data-app-timeout-announcement]");
  const stay = dialog.querySelector("[data-app-timeout-stay]");
  const csrfToken = dialog.querySelector('input[name="csrfmiddlewaretoken"]')?.value ?? "";

  let deadline = Date.now() + timeout;
  let timer = null;
  let ticker = null;
  let lastAnnounced = 0;
  let returnFocusTo = null;
  let typedInto = null;

  // The form the user last typed into: the one to keep if the session ends.
  const noteTyping = (event) => {
    const form = event.target.form;
    if (form && form.method.toLowerCase() === "post" && !dialog.contains(form)) typedInto = form;
  };
  document.addEventListener("input", noteTyping);
  document.addEventListener("change", noteTyping);

  // Milliseconds left according to the server, 0 if signed out, null if it could not be asked.
  async function askServer(method) {
    try {
      const response = await fetch(statusUrl, {
        method,
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
      });
      if (!response.ok) return null;
      const answer = await response.json();
      return answer.signed_in ? answer.seconds_left * SECOND : 0;
    } catch {
      return null;
    }
  }

  function scheduleWarning() {
    clearTimeout(timer);
    timer = setTimeout(beforeWarning, Math.max(0, deadline - warning - Date.now()));
  }

  async function beforeWarning() {
    const left = await askServer("GET");
    if (left !== null) deadline = Date.now() + left;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return signedOut();
    if (remaining > warning) return scheduleWarning();
    openDialog();
  }

  function openDialog() {
    returnFocusTo = document.activeElement;
    lastAnnounced = 0;
    tick();
    dialog.showModal();
    heading.focus();
    clearInterval(ticker);
    ticker = setInterval(tick, SECOND);
  }

  function closeDialog() {
    clearInterval(ticker);
    if (dialog.open) dialog.close();
    // Back to where the user was, so they can carry on typing.
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
  }

  function tick() {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      clearInterval(ticker);
      atDeadline();
      return;
    }
    countdown.textContent = describe(remaining);
    const now = Date.now();
    if (now - lastAnnounced >= ANNOUNCE_EVERY) {
      announcement.textContent = `We will sign you out in ${describe(remaining)}.`;
      lastAnnounced = now;
    }
  }

  async function atDeadline() {
    const left = await askServer("GET");
    if (left) {
      deadline = Date.now() + left;
      if (left > warning) {
        closeDialog();
        scheduleWarning();
      } else {
        ticker = setInterval(tick, SECOND);
      }
      return;
    }
    signedOut();
  }

  async function staySignedIn() {
    const left = await askServer("POST");
    if (left === 0) return signedOut();
    deadline = Date.now() + (left ?? timeout);
    closeDialog();
    scheduleWarning();
  }

  function signedOut() {
    clearTimeout(timer);
    clearInterval(ticker);
    if (typedInto && document.contains(typedInto)) {
      const marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = EXPIRED_MARKER;
      marker.value = "1";
      typedInto.appendChild(marker);
      // The prototype's submit: a field named "submit" would hide the form's own method.
      HTMLFormElement.prototype.submit.call(typedInto);
      return;
    }
    const here = new URL(window.location.href);
    here.hash = "";
    window.location.assign(here.toString());
  }

  stay.addEventListener("click", staySignedIn);
  // Escape means "stay signed in", as in the GOV.UK pattern, not "close and let the session end".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  // Keep keyboard focus inside the dialog while it is open.
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const focusable = [...dialog.querySelectorAll(FOCUSABLE)];
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && (document.activeElement === first || document.activeElement === heading)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  scheduleWarning();
}
