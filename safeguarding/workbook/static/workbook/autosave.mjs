// Autosave for the Workbook's long-text forms (issue #9: nothing typed is lost). Our own code.
//
// A form with data-autosave-url sends its text boxes to the server as the worker's draft: after a few
// seconds without typing, when a box loses focus, and when the page is left (sendBeacon). The server keeps
// the draft (workbook/drafts.py) until the form is saved, so it comes back after a time-out, a closed tab
// or a crashed browser, on any device. Without JavaScript the form saves by plain submission.
//
// data-autosave-idle (milliseconds, default 3000) lets tests shorten the wait.

const DEFAULT_IDLE = 3000;

function payload(form) {
  const data = new FormData();
  const token = form.querySelector('input[name="csrfmiddlewaretoken"]');
  const version = form.querySelector('input[name="version"]');
  if (token) data.append("csrfmiddlewaretoken", token.value);
  if (version) data.append("version", version.value);
  for (const box of form.querySelectorAll("textarea[name]")) data.append(box.name, box.value);
  return data;
}

function start(form) {
  const url = form.dataset.autosaveUrl;
  const idle = Number(form.dataset.autosaveIdle) || DEFAULT_IDLE;
  const status = form.querySelector("[data-autosave-status]") || document.querySelector("[data-autosave-status]");
  let timer = null;
  let dirty = false;
  let saving = null;
  let submitting = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  async function save() {
    clearTimeout(timer);
    if (!dirty || submitting) return;
    if (saving) {
      // One save at a time; the latest text goes in the next one.
      await saving;
      if (!dirty) return;
    }
    dirty = false;
    saving = (async () => {
      try {
        const response = await fetch(url, {
          method: "POST",
          body: payload(form),
          credentials: "same-origin",
          redirect: "manual",
          headers: { Accept: "application/json" },
        });
        if (response.ok) {
          const answer = await response.json();
          form.dataset.autosaveLast = answer.saved_at_iso;
          say(`Draft saved at ${answer.saved_at}.`);
        } else if (response.status === 401 || response.type === "opaqueredirect" || response.status === 403) {
          dirty = true;
          say("You have been signed out. Your drafts up to the last saved one are kept: sign in again to carry on.");
        } else {
          dirty = true;
          say("Your draft could not be saved just now. Keep this page open; we will try again.");
        }
      } catch {
        dirty = true;
        say("Your draft could not be saved: check your connection. Keep this page open; we will try again.");
      }
    })();
    await saving;
    saving = null;
  }

  form.addEventListener("input", (event) => {
    if (event.target.tagName !== "TEXTAREA") return;
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, idle);
  });
  form.addEventListener("focusout", (event) => {
    if (event.target.tagName === "TEXTAREA") save();
  });
  form.addEventListener("submit", () => {
    submitting = true;
    clearTimeout(timer);
  });
  window.addEventListener("pagehide", () => {
    if (dirty && !submitting && navigator.sendBeacon) navigator.sendBeacon(url, payload(form));
  });
  // Text typed before this script ran (a slow connection, a quick typist) raised no input event here:
  // it is unsaved all the same.
  if ([...form.querySelectorAll("textarea[name]")].some((box) => box.value !== box.defaultValue)) {
    dirty = true;
    timer = setTimeout(save, idle);
  }
}

for (const form of document.querySelectorAll("form[data-autosave-url]")) start(form);
