// The account and users pages: copy a secret shown once, and confirm before deactivating someone.
(function () {
  "use strict";

  function copied(id, text) {
    var status = document.querySelector('[data-copied-for="' + id + '"]');
    if (status) { status.textContent = text; }
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-copy");
      var source = document.getElementById(id);
      if (!source) { return; }
      var text = source.textContent.trim();
      var fallback = function () {
        // Without the clipboard API (plain HTTP), select the text and use the old command.
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        copied(id, document.execCommand && document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { copied(id, "Copied."); }, fallback);
      } else {
        fallback();
      }
    });
  });

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
