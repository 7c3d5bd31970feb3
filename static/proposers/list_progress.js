// Keeps a proposer's list page up to date while the list is being checked, without a
// <meta refresh>: every three seconds it reads the same page again, moves the progress text
// (the notice is an aria-live region) and reloads once checking has ended, to show the
// outcome. Without JavaScript the notice offers a "Muat ulang" link.
(function () {
  "use strict";
  var box = document.getElementById("list-progress");
  if (!box || !window.fetch || !window.DOMParser) {
    return;
  }
  var text = box.querySelector("[data-role=progress-text]");

  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("list-progress");
          if (!fresh) {
            window.location.reload();
            return;
          }
          var freshText = fresh.querySelector("[data-role=progress-text]");
          if (text && freshText && text.textContent !== freshText.textContent) {
            text.textContent = freshText.textContent;
          }
        }
        window.setTimeout(poll, 3000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 3000);
})();
