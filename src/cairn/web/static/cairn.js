// Progressive enhancement for Cairn's pages. Everything works without it:
// this adds live timeline updates, a live Markdown preview and shortcuts.
(function () {
  "use strict";

  var csrf = document.body.dataset.csrf || "";

  function slug(text) {
    return (text || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "none";
  }

  function cell(className, text) {
    var td = document.createElement("td");
    td.className = className;
    td.textContent = text || "";
    return td;
  }

  // The row's "Mark" button, as the server renders it: it submits the shared mark form.
  function markButton(id) {
    var button = document.createElement("button");
    button.setAttribute("form", "mark-form");
    button.name = "event_id";
    button.value = id;
    button.className = "quiet";
    button.textContent = "Mark";
    button.setAttribute("aria-label", "Mark event " + id + " as the chosen key moment");
    var td = document.createElement("td");
    td.className = "t-mark";
    td.appendChild(button);
    return td;
  }

  function eventRow(table, event) {
    var row = document.createElement("tr");
    row.className = "event event-" + slug(event.kind) + " event-new";
    row.dataset.id = event.id;
    row.dataset.at = event.at;
    var time = cell("t-time nowrap", "");
    var stamp = document.createElement("time");
    stamp.dateTime = event.at;
    stamp.textContent = event.local;
    time.appendChild(stamp);
    var kind = cell("t-kind", "");
    var badge = document.createElement("span");
    badge.className = "kind kind-" + slug(event.kind);
    badge.textContent = event.kind;
    kind.appendChild(badge);
    row.append(time, kind, cell("t-actor", event.actor), cell("event-text", event.text), cell("t-source muted", event.source));
    if (table.dataset.mark) row.appendChild(markButton(event.id));
    return row;
  }

  // Rows stay in time order, even for an event logged after the fact.
  function insertInOrder(body, row) {
    var at = Date.parse(row.dataset.at);
    var rows = body.querySelectorAll("tr[data-at]");
    for (var i = rows.length - 1; i >= 0; i--) {
      if (Date.parse(rows[i].dataset.at) <= at) {
        rows[i].after(row);
        return;
      }
    }
    body.prepend(row);
  }

  function liveTimeline() {
    var table = document.getElementById("timeline-table");
    // Only the latest, unfiltered page of a paged timeline has a feed to follow.
    if (!table || !table.dataset.feed || !window.fetch) return;
    var body = document.getElementById("timeline-body");
    var note = document.getElementById("live-note");
    if (note) note.hidden = false;
    var busy = false;
    function poll() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(table.dataset.feed + "?after=" + encodeURIComponent(table.dataset.after), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          data.items.forEach(function (event) {
            if (!body.querySelector('tr[data-id="' + event.id + '"]')) insertInOrder(body, eventRow(table, event));
          });
          table.dataset.after = data.last_id;
          var empty = document.getElementById("timeline-empty");
          if (empty && data.items.length) empty.remove();
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .finally(function () { busy = false; });
    }
    window.setInterval(poll, 4000);
    document.addEventListener("visibilitychange", poll);
  }

  function livePreview() {
    var areas = document.querySelectorAll("textarea[data-preview]");
    if (!areas.length || !window.fetch || !document.body.dataset.previewUrl) return;
    document.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
    areas.forEach(function (area) {
      var target = document.getElementById(area.dataset.preview);
      var timer = null;
      var sent = 0;
      area.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var mine = ++sent;
          fetch(document.body.dataset.previewUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
            body: JSON.stringify({ text: area.value })
          })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
              // The server sanitises the HTML (nh3); only the newest answer is shown.
              if (data && mine === sent) target.innerHTML = data.html || '<p class="muted">Preview appears here.</p>';
            })
            .catch(function () {});
        }, 250);
      });
    });
  }

  // "e" jumps to the add-event line, as long as one is not already typing.
  function shortcuts() {
    var line = document.querySelector("#add-event input[name=line]");
    if (!line) return;
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (event.key === "e" && !event.ctrlKey && !event.metaKey && !event.altKey && !/^(input|textarea|select)$/.test(tag)) {
        event.preventDefault();
        line.focus();
      }
    });
  }

  // Background imports: follow each running job's progress; when one ends,
  // reload so the timeline and the job's summary show.
  function importJobs() {
    var jobs = document.querySelectorAll('.import-job[data-state="queued"], .import-job[data-state="running"]');
    if (!jobs.length || !window.fetch) return;
    var ticks = 0;
    var timer = window.setInterval(function () {
      if (document.hidden) return;
      if (++ticks > 7200) { window.clearInterval(timer); return; }  // give up after about 3 hours
      jobs.forEach(function (item) {
        fetch(item.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (job) {
            if (!job) return;
            if (job.state !== "queued" && job.state !== "running") {
              window.clearInterval(timer);
              window.location.reload();
              return;
            }
            item.querySelector(".job-state").textContent = job.state;
            var bar = item.querySelector("progress");
            var text = item.querySelector(".job-progress");
            if (job.progress.percent !== null) {
              bar.value = job.progress.percent;
              text.textContent = job.progress.percent + "%";
            } else {
              text.textContent = job.progress.done + " read";
            }
          })
          .catch(function () { /* try again at the next tick */ });
      });
    }, 1500);
  }

  liveTimeline();
  importJobs();
  livePreview();
  shortcuts();
})();
