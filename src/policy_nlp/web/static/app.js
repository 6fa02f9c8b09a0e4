// A little plain JavaScript: uploads with polled progress, delete confirmation, highlight toggle.
// Everything else is server-rendered HTML and works without it.
"use strict";

function text(el, value) { el.textContent = value; return el; }

async function poll(job, line) {
  // The ingest runs in the server's background thread; its state is read until it ends.
  for (;;) {
    const response = await fetch("/api/uploads/" + encodeURIComponent(job.id));
    const state = await response.json();
    line.className = state.status;
    line.dataset.status = state.status;
    text(line, job.name + ": " + state.status + (state.message ? " — " + state.message : ""));
    if (state.status === "done" || state.status === "failed") return state;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

async function upload(form) {
  const input = form.querySelector("input[type=file]");
  const list = document.getElementById("upload-progress");
  const results = [];
  for (const file of input.files) {
    const line = text(document.createElement("li"), file.name + ": uploading");
    line.dataset.status = "uploading";
    list.appendChild(line);
    const body = new FormData();
    body.append("file", file);
    const response = await fetch(form.action, { method: "POST", body: body });
    const job = await response.json();
    if (!response.ok) {
      line.className = "failed";
      line.dataset.status = "failed";
      text(line, job.error);
      continue;
    }
    results.push(await poll(job, line));
  }
  if (results.some((r) => r.status === "done")) {
    // Let the reader see the last state, then show the library with the new documents.
    setTimeout(() => window.location.reload(), 800);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (form) {
    form.addEventListener("submit", (event) => { event.preventDefault(); upload(form); });
  }
  for (const del of document.querySelectorAll("form.delete")) {
    del.addEventListener("submit", (event) => {
      if (!window.confirm("Delete " + del.dataset.name + " and everything derived from it?")) event.preventDefault();
    });
  }
  const toggle = document.getElementById("toggle-boxes");
  if (toggle) {
    toggle.addEventListener("change", () => document.getElementById("page").classList.toggle("hide-boxes", !toggle.checked));
  }
});
