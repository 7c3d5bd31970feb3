// Keeps a job's progress page up to date while the job is queued or running: polls the JSON
// status every second, moves the bar and the numbers (the section is an aria-live region),
// and reloads the page once the job has ended (or its worker is found gone), to show its
// result and buttons. Without
// JavaScript the page offers a "Muat ulang" link.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.live !== "1") {
    return;
  }
  var bar = box.querySelector("[data-role=bar]");
  var counts = box.querySelector("[data-role=counts]");
  var phase = box.querySelector("[data-role=phase-label]");
  var label = box.querySelector("[data-role=state-label]");
  var message = box.querySelector("[data-role=message]");
  // In the facts table below the box: when a worker took the job.
  var startedAt = document.querySelector("[data-role=started-at]");
  var phasePrefix = box.dataset.phasePrefix || "";
  var countsTemplate = box.dataset.countsTemplate || "";

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
          // The job ended, or its worker was found gone (or came back): reload for the
          // result, the reason and the buttons that go with it.
          if (!data.live || (data.stale ? "1" : "0") !== box.dataset.stale) {
            window.location.reload();
            return;
          }
          if (bar && data.total) {
            bar.max = data.total;
            bar.value = data.done;
          }
          if (counts && data.total && countsTemplate) {
            counts.textContent = countsTemplate
              .replace("__done__", data.done_text)
              .replace("__total__", data.total_text);
          }
          if (phase && data.phase_label) {
            phase.textContent = phasePrefix + data.phase_label;
          }
          if (label) {
            label.textContent = data.state_label;
          }
          if (message) {
            message.textContent = data.message;
          }
          if (startedAt && data.started_at_text) {
            startedAt.textContent = data.started_at_text;
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
