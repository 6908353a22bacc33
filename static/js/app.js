// Page-wide behaviour: tell the user when a request fails outright (no answer, or a server error),
// because htmx then swaps nothing and the page would otherwise look unchanged.
document.addEventListener("DOMContentLoaded", function () {
  var banner = document.getElementById("connection-error");
  if (!banner) return;
  function show() { banner.hidden = false; }
  document.body.addEventListener("htmx:sendError", show);
  document.body.addEventListener("htmx:responseError", show);
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) banner.hidden = true;
  });
});
