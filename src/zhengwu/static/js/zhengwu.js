// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("keydown", (event) => {
  // Hotline agents submit the work order with Ctrl+Enter without leaving the keyboard.
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    const form = event.target.closest && event.target.closest("form[data-submit-on-ctrl-enter]");
    if (form) { event.preventDefault(); form.requestSubmit(); }
  }
});
document.addEventListener("change", (event) => {
  // Choosing an answer template fills the text box it names (the user then edits it).
  const select = event.target;
  if (!select.matches || !select.matches("select[data-fills]")) return;
  const option = select.selectedOptions[0];
  const text = option && option.dataset.text;
  const area = select.form && select.form.elements.namedItem(select.dataset.fills);
  if (text && area) { area.value = text; area.focus(); }
});
document.addEventListener("change", (event) => {
  // A queue's "select all" box ticks every appeal on the page for a bulk action.
  const box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) return;
  for (const item of box.form.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)) {
    item.checked = box.checked;
  }
});
