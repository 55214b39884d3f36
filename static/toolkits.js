// Toolkits: show a conditional question only while the answer it depends on is chosen.
// Without JavaScript the question stays visible with a hint saying when to answer it, and
// the server ignores answers to questions whose condition is not met. The section's form may be
// swapped by an autosave (a colleague's conflicting change, a merged answer), so everything is
// looked up afresh on each change and after each swap.
function chosen(form, name) {
  return Array.from(form.querySelectorAll(`[name="${name}"]`))
    .filter((input) => (input.type === "checkbox" || input.type === "radio" ? input.checked : input.value))
    .map((input) => input.value);
}

function update() {
  for (const block of document.querySelectorAll("[data-show-if]")) {
    const form = block.closest("form");
    if (!form) continue;
    const show = chosen(form, block.dataset.showIf).includes(block.dataset.showIfValue);
    block.hidden = !show;
    block.querySelector(".govuk-hint")?.classList.toggle("toolkit-hint-conditional", show);
  }
}

document.addEventListener("change", (event) => {
  if (event.target.closest("form")?.querySelector("[data-show-if]")) update();
});
document.body.addEventListener("htmx:load", update);
update();
