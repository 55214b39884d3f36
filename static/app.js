// Progressive enhancement only: every page works without this file.
// Loaded as a module, after htmx (deferred), so both are ready when it runs.
import { initAll } from "./vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;

if (window.htmx) {
  // Every HTMX request carries the CSRF token (Flask-WTF reads X-CSRFToken).
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (csrfToken) event.detail.headers["X-CSRFToken"] = csrfToken;
  });

  // Validation errors come back as 422 with the re-rendered fragment: swap them in.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // New content (htmx:load fires on each inserted element, also for outerHTML swaps)
  // gets GOV.UK behaviours, and screen readers hear what changed.
  const find = (root, selector) => (root.matches(selector) ? root : root.querySelector(selector));
  document.body.addEventListener("htmx:load", (event) => {
    const added = event.detail.elt;
    if (added === document.body) return; // the first page load, not a swap
    initAll({ scope: added });
    const message = find(added, "[data-announce]");
    const live = document.getElementById("portal-live-region");
    if (message && live) {
      live.textContent = "";
      window.setTimeout(() => { live.textContent = message.dataset.announce; }, 50);
    }
    const focusTarget = find(added, "[data-focus-after-swap]");
    if (focusTarget) focusTarget.focus();
  });
}
