// Keeps the proposal-list import page up to date while the list is being checked: polls the
// JSON status endpoint every second, moves the progress bar, and reloads the page (to show
// the summary) when checking ends. Without JavaScript the page offers a "Muat ulang" link.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var live = ["uploaded", "processing"];
  if (live.indexOf(box.dataset.status) === -1) {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-role=progress-text]");
  var label = box.querySelector("[data-role=status-label]");
  var note = box.querySelector("[data-role=worker-note]");
  var shownNote = note ? note.textContent : "";

  function poll() {
    fetch(box.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          if (bar) {
            bar.max = Math.max(data.rows_total, 1);
            bar.value = data.rows_read;
          }
          if (text) {
            text.textContent = data.progress_text;
          }
          if (label) {
            label.textContent = data.status_label;
          }
          if (note && data.worker_note !== shownNote) {
            // A worker note appeared or went away: reload for the buttons that go with it.
            window.location.reload();
            return;
          }
          if (live.indexOf(data.status) === -1) {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
