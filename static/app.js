// Progressive enhancement only: every page works without this file.
// Loaded as a module, after htmx (deferred), so both are ready when it runs.
import { initAll } from "./vendor/govuk-frontend/govuk-frontend.min.js";

// <body> already has js-enabled and govuk-frontend-supported (static/js-enabled.js, before first paint).
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

  // Any other refusal (400 a value that cannot be used, 413 too large, 429 too many attempts, 401 signed
  // out, 500) comes back as the in-house error page, which htmx would not swap in: the person pressed
  // the button and nothing happened. Show that page's heading and message in an error summary above the
  // form that sent the request, keeping everything typed, and move focus to it so it is read out.
  const errorBoxFor = (origin) => {
    const previous = origin.previousElementSibling;
    if (previous && previous.classList.contains("portal-request-error")) return previous;
    const box = document.createElement("div");
    box.className = "govuk-error-summary portal-request-error";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    const title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    const body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    body.appendChild(document.createElement("p")).className = "govuk-body";
    box.append(title, body);
    origin.parentNode.insertBefore(box, origin);
    return box;
  };
  const showRequestError = (event, heading, message) => {
    const elt = event.detail.elt;
    const origin = elt.closest("form") || elt;
    const box = errorBoxFor(origin);
    box.querySelector(".govuk-error-summary__title").textContent = heading;
    box.querySelector(".govuk-error-summary__body p").textContent = message;
    box.focus();
  };
  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status === 422) return;
    const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    const heading = page.querySelector("main h1")?.textContent.trim() || "Sorry, there is a problem with the service";
    const message = page.querySelector("main .govuk-body")?.textContent.trim() || "Try again later.";
    showRequestError(event, heading, message);
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    showRequestError(event, "The page could not reach the service", "Check your internet connection, then try again.");
  });
  // A request that went through clears the message shown for an earlier one (its form may have
  // been swapped out since).
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) document.querySelectorAll(".portal-request-error").forEach((box) => box.remove());
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
    // An error summary (a form sent back as 422) takes focus first, as on a full page with errors.
    const focusTarget = find(added, ".govuk-error-summary") || find(added, "[data-focus-after-swap]");
    if (focusTarget) {
      if (!focusTarget.hasAttribute("tabindex")) focusTarget.tabIndex = -1;
      focusTarget.focus();
    }
  });

  // The title says "Error: " while the page shows an error summary, as base.html does on a full load;
  // a later swap that clears the errors takes it off again. Runs after htmx has applied any <title>
  // sent with the fragment.
  const ERROR_PREFIX = document.body.dataset.errorPrefix || "Error: "; // translated by base.html
  document.body.addEventListener("htmx:afterSettle", () => {
    const title = document.title.startsWith(ERROR_PREFIX) ? document.title.slice(ERROR_PREFIX.length) : document.title;
    const hasError = document.querySelector("main .govuk-error-summary") !== null;
    document.title = hasError ? ERROR_PREFIX + title : title;
  });
}

// GOV.UK Frontend focuses an error summary or a success banner as the page starts. A page reached at a
// #fragment (a form whose action ends in one keeps it across the redirect) then has the browser move
// focus back to <body> when it scrolls to the fragment, so nothing is read out: put it back.
window.addEventListener("load", () => {
  window.requestAnimationFrame(() => {
    if (!window.location.hash || (document.activeElement && document.activeElement !== document.body)) return;
    const target = document.querySelector("main .govuk-error-summary, main .govuk-notification-banner[role='alert']");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
      target.focus();
    }
  });
});

// A form whose fields depend on a choice (the toolkit question builder: the settings of each question
// type): `data-module="portal-fields-by-type"` with `data-type-field` naming the <select>, and
// `data-question-types="a b"` on each part that belongs to some types. Without JavaScript every part
// shows under its heading. With it, only the chosen type's parts show; a hidden part's fields are
// disabled, so they are neither sent nor reached by keyboard.
function initFieldsByType(form) {
  if (form.dataset.portalFieldsReady) return;
  const select = form.querySelector(`#${form.dataset.typeField}`);
  if (!select) return;
  form.dataset.portalFieldsReady = "true";
  const parts = Array.from(form.querySelectorAll("[data-question-types]"));
  const apply = () => {
    parts.forEach((part) => {
      const shown = part.dataset.questionTypes.split(/\s+/).includes(select.value)
        && !(part.parentElement.closest("[data-question-types][hidden]"));
      part.hidden = !shown;
    });
    parts.forEach((part) => {
      const hidden = part.hidden || part.closest("[data-question-types][hidden]") !== null;
      part.querySelectorAll("input, textarea, select").forEach((field) => { field.disabled = hidden; });
    });
  };
  select.addEventListener("change", apply);
  apply();
}
const initFieldsByTypeIn = (root) =>
  root.querySelectorAll('[data-module="portal-fields-by-type"]').forEach(initFieldsByType);
initFieldsByTypeIn(document);
document.body.addEventListener("htmx:load", (event) => initFieldsByTypeIn(event.detail.elt));

// Type-ahead for long lists of checkboxes or radios (themes, communities, languages, areas,
// partner organisations): `data-module="portal-checkbox-filter"` around a GOV.UK fieldset.
// Without JavaScript the plain list works as it is. With it, a labelled search box above the
// list hides the options that do not match what is typed (ticked ones always stay visible, so
// nothing chosen is hidden), and a polite live region says how many match.
const FILTER_MIN_OPTIONS = 8;
let filterCount = 0;

const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

function initCheckboxFilter(container) {
  if (container.dataset.portalFilterReady) return;
  const list = container.querySelector(".govuk-checkboxes, .govuk-radios");
  const items = list ? Array.from(list.querySelectorAll(".govuk-checkboxes__item, .govuk-radios__item")) : [];
  if (items.length < FILTER_MIN_OPTIONS) return;
  container.dataset.portalFilterReady = "true";
  filterCount += 1;
  const id = `portal-filter-${filterCount}`;
  const legend = container.querySelector("legend");
  const listName = legend ? legend.textContent.trim() : "options";

  const group = document.createElement("div");
  group.className = "govuk-form-group portal-checkbox-filter__search";
  const label = document.createElement("label");
  label.className = "govuk-label";
  label.htmlFor = id;
  const words = document.body.dataset; // the page's language (base.html)
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_match, key) => values[key] ?? "");
  const lowerFirst = `${listName.charAt(0).toLowerCase()}${listName.slice(1)}`;
  label.textContent = fill(words.filterSearch || "Search {list}", { list: lowerFirst });
  const input = document.createElement("input");
  input.className = "govuk-input govuk-!-width-two-thirds";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("aria-controls", list.id || (list.id = `${id}-list`));
  const status = document.createElement("p");
  status.className = "govuk-body-s portal-checkbox-filter__status";
  status.id = `${id}-status`;
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", status.id);
  group.append(label, input);
  list.before(group, status);

  const labels = items.map((item) => fold(item.querySelector("label")?.textContent || ""));
  let timer;
  const apply = () => {
    const query = fold(input.value);
    let matches = 0;
    items.forEach((item, index) => {
      const matched = !query || labels[index].includes(query);
      const chosen = item.querySelector("input")?.checked;
      if (matched) matches += 1;
      item.hidden = !(matched || chosen);
    });
    window.clearTimeout(timer);
    // Announce once typing pauses, so a screen reader is not interrupted at every key.
    timer = window.setTimeout(() => {
      if (!query) {
        status.textContent = "";
      } else if (matches === 0) {
        status.textContent = fill(words.filterNone || "No {list} match “{words}”", {
          list: listName.toLowerCase(),
          words: input.value.trim(),
        });
      } else {
        status.textContent = fill(words.filterSome || "{shown} of {total} match “{words}”", {
          shown: matches,
          total: items.length,
          words: input.value.trim(),
        });
      }
    }, 400);
  };
  input.addEventListener("input", apply);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // typing a search must not submit the form
    if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      apply();
    }
  });
}

const initCheckboxFilters = (root) =>
  root.querySelectorAll('[data-module="portal-checkbox-filter"]').forEach(initCheckboxFilter);
initCheckboxFilters(document);
document.body.addEventListener("htmx:load", (event) => initCheckboxFilters(event.detail.elt));

// The language switcher's links were drawn with the page's first address; after a live search or a
// ticked filter (htmx updates the address bar) they must carry what the reader has since chosen.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.(".portal-languages__link");
  if (!link) return;
  const chosen = new URL(link.href, window.location.href).searchParams.get("lang");
  const here = new URL(window.location.href);
  here.searchParams.set("lang", chosen);
  link.href = here.pathname + here.search;
});

// The staff e-mail preview frame grows to the whole e-mail, so nothing is cut off at the bottom on a
// phone (its own page, same origin). Without JavaScript the frame scrolls, and the page says so.
const fitPreview = (frame) => {
  try {
    const doc = frame.contentDocument;
    if (doc && doc.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
  } catch (error) {
    /* another origin: leave the frame scrolling */
  }
};
document.querySelectorAll("iframe.portal-email-preview").forEach((frame) => {
  frame.addEventListener("load", () => fitPreview(frame));
  if (frame.contentDocument?.readyState === "complete") fitPreview(frame);
  window.addEventListener("resize", () => fitPreview(frame));
});
