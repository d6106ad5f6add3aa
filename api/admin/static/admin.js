// The console's little script: uploads with progress (each file on its own, its result shown),
// drag and drop, and a confirmation before a deletion. Everything also works as plain forms.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function uploadOne(form, file, list) {
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.textContent = file.name + " ";
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  item.append(name, bar);
  list.append(item);
  return new Promise((resolve) => {
    const body = new FormData();
    body.append("file", file);
    body.append("groups", form.querySelector('[name="groups"]').value);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRF-Token", csrfToken());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
    });
    request.addEventListener("load", () => {
      let answer = {};
      try { answer = JSON.parse(request.responseText); } catch (_ignored) { answer = {}; }
      const result = document.createElement("span");
      if (request.status === 201) {
        result.className = "ok";
        result.textContent = `${form.dataset.uploaded}: ${answer.title || ""} (${answer.id || ""})`;
      } else {
        result.className = "refused";
        result.textContent = `${form.dataset.refused}: ${answer.error || answer.detail || request.status}`;
      }
      bar.replaceWith(result);
      resolve(request.status === 201);
    });
    request.addEventListener("error", () => {
      bar.replaceWith(Object.assign(document.createElement("span"), { className: "refused",
        textContent: form.dataset.refused }));
      resolve(false);
    });
    request.send(body);
  });
}

async function uploadAll(form, files) {
  const list = document.getElementById("upload-results");
  let any = false;
  for (const file of files) any = (await uploadOne(form, file, list)) || any;
  if (any) document.dispatchEvent(new CustomEvent("uploads-done"));
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (form) {
    const input = form.querySelector('input[type="file"]');
    const zone = document.getElementById("drop-zone");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      uploadAll(form, Array.from(input.files));
      input.value = "";
    });
    input.addEventListener("change", () => {
      uploadAll(form, Array.from(input.files));
      input.value = "";
    });
    zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("over");
      uploadAll(form, Array.from(event.dataTransfer.files));
    });
  }
  for (const confirmed of document.querySelectorAll("form[data-confirm]")) {
    confirmed.addEventListener("submit", (event) => {
      if (!window.confirm(confirmed.dataset.confirm)) event.preventDefault();
    });
  }
});

// API keys: a new key's "Copy" button (shown only where a script runs; the field stays selectable).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const result = button.parentElement.querySelector(".copy-result");
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        if (result) result.textContent = button.dataset.copied;
      } catch (_ignored) {
        if (result) result.textContent = button.dataset.copyFailed;
      }
    });
  }
});

// Long changes (a sync, a rebuild): one submission per click; the button is usable again when the
// page is shown anew (back button, cache).
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-submit-once]")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector('button[type="submit"]');
      if (button) setTimeout(() => { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
    });
  }
});
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll('form[data-submit-once] button[type="submit"]')) {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
});

// A background job (a rebuild, a sync, a measurement) shown as running: asked after every 2 s
// until it ends, then its outcome is said (the line is a polite live region) with a link that
// reloads the page to show the result. Without a script, the page's Refresh shows the same.
function followJob(line) {
  const state = line.querySelector(".job-state");
  const ask = async () => {
    let job = {};
    try {
      const response = await fetch("/admin/jobs/latest", { credentials: "same-origin", cache: "no-store" });
      if (response.ok) job = await response.json();
    } catch (_ignored) { job = {}; }
    if (job.number === Number(line.dataset.job) && job.outcome === "running") {
      if (job.total) state.textContent = line.dataset.progress.replace("{done}", job.done).replace("{total}", job.total);
      setTimeout(ask, 2000);
      return;
    }
    // Ended (or a newer job already replaced it, when only the link is shown).
    const mine = job.number === Number(line.dataset.job);
    const ended = job.outcome === "done" ? line.dataset.outcomeDone : line.dataset.outcomeFailed;
    state.textContent = mine ? `${ended}${job.outcome === "failed" ? ": " + job.result : ""} ` : "";
    state.append(Object.assign(document.createElement("a"), { href: window.location.pathname,
      textContent: line.dataset.showResult }));
    if (mine) line.classList.replace("job-running", `job-${job.outcome}`);
  };
  setTimeout(ask, 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const line of document.querySelectorAll("p.job[data-job]")) followJob(line);
});
