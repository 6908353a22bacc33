// Presentation mode: the driver (chair or coordinator) moves the room from case to case with the
// keyboard or a presentation clicker (which sends Page Down / Page Up). The keys press the
// page's own buttons, so what they do is what the buttons do (apps/meetings/views/present.py).
document.addEventListener("keydown", function (event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  var target = event.target;
  if (target && target.matches && target.matches("input, textarea, select, [contenteditable]")) return;
  var id = null;
  if (event.key === "ArrowRight" || event.key === "PageDown") id = "present-next";
  if (event.key === "ArrowLeft" || event.key === "PageUp") id = "present-previous";
  var button = id && document.getElementById(id);
  if (!button) return;
  event.preventDefault();
  button.click();
});
