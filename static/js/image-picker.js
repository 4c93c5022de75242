// The image picker under a post's body in the admin (blog/image_picker.py): Insert puts the
// image's Markdown at the cursor; the search box and an upload in the admin's popup refresh
// the list from the server. A plain file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    textarea.setRangeText(text, start, end, "end");
    textarea.focus();
    // Anything listening for typing (the admin's unsaved-changes checks) hears this too.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function refresh(picker, query) {
    var list = picker.querySelector(".image-picker-choices");
    var url = new URL(picker.dataset.choices, window.location.href);
    if (query) url.searchParams.set("q", query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        list.innerHTML = html;
      })
      .catch(function () {
        list.textContent = "The images could not be loaded; reload the page to try again.";
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".image-picker [data-markdown]");
    if (!button) return;
    var picker = button.closest(".image-picker");
    insertAtCursor(document.getElementById(picker.dataset.body), button.dataset.markdown);
  });

  var searching = null;
  document.addEventListener("input", function (event) {
    if (!event.target.matches(".image-picker-search")) return;
    var box = event.target;
    clearTimeout(searching);
    searching = setTimeout(function () {
      refresh(box.closest(".image-picker"), box.value.trim());
    }, 250);
  });
  document.addEventListener("keydown", function (event) {
    // Enter in the search box would otherwise send (and save) the whole post form.
    if (event.key === "Enter" && event.target.matches(".image-picker-search")) {
      event.preventDefault();
    }
  });

  // When the upload popup closes, Django's RelatedObjectLookups.js sets the hidden input to
  // the new image's id and announces it with a jQuery "change", which only jQuery hears.
  // Django's jQuery may load after this file; every script in the head has run by then.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.django || !window.django.jQuery) return;
    window.django.jQuery(document).on("change", ".image-picker-uploaded", function () {
      var picker = this.closest(".image-picker");
      picker.querySelector(".image-picker-search").value = "";
      refresh(picker, "");
    });
  });
})();
