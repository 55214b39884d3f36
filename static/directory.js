// The community-group directory (templates/groups/index.html), progressive enhancement only.
//
// 1. A response is drawn only if it was made for the form as it is now. The form sends one request
//    at a time and queues the newest (hx-sync="this:queue last"); a response to an older state (the
//    search typed before a box was ticked) would redraw the ticks, counts and announced total of
//    that older state over the newer one, and the queued request would then send the redrawn,
//    unticked boxes. So it is dropped: the queued request, sent with what is on screen, brings the
//    newest (issue 18 §3).
// 2. On a wide screen the "Filter results" toggle starts open; on a phone it stays folded so the
//    results come first.

const form = document.getElementById("directory-form");

// The form's values as a comparable string: names and values, sorted, empty ones left out.
const stateOf = (data) =>
  Array.from(data.entries())
    .filter(([name, value]) => value !== "" && name !== "page")
    .map(([name, value]) => `${name}=${value}`)
    .sort()
    .join("&");

if (form && window.htmx) {
  form.addEventListener("htmx:beforeSwap", (event) => {
    const sent = event.detail.requestConfig?.formData;
    if (!sent || event.detail.requestConfig.elt !== form) return;
    if (stateOf(sent) !== stateOf(new FormData(form))) {
      event.detail.shouldSwap = false; // an older state's answer: the newer request is on its way
    }
  });
}

const filters = document.getElementById("directory-filters");
if (filters && window.matchMedia("(min-width: 40.0625em)").matches) {
  filters.open = true;
}
