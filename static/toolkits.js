// Toolkits: show a conditional question only while the answer it depends on is chosen.
// Without JavaScript the question stays visible with a hint saying when to answer it, and
// the server ignores answers to questions whose condition is not met.
const conditionals = Array.from(document.querySelectorAll("[data-show-if]"));
const form = conditionals[0]?.closest("form");

function chosen(name) {
  if (!form) return [];
  return Array.from(form.querySelectorAll(`[name="${name}"]`))
    .filter((input) => (input.type === "checkbox" || input.type === "radio" ? input.checked : input.value))
    .map((input) => input.value);
}

function update() {
  for (const block of conditionals) {
    const show = chosen(block.dataset.showIf).includes(block.dataset.showIfValue);
    block.hidden = !show;
    block.querySelector(".govuk-hint")?.classList.toggle("toolkit-hint-conditional", show);
  }
}

if (conditionals.length && form) {
  form.addEventListener("change", update);
  update();
}
