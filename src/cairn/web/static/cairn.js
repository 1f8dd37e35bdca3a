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

  function hhmm(iso) {
    var match = /T(\d{2}:\d{2})/.exec(iso || "");
    return match ? match[1] : "";
  }

  // The row's "Mark" menu, as the server renders it: one button per key moment,
  // each submitting the shared mark form with "<event id>:<moment>".
  function markMenu(table, event) {
    var what = "mark " + ((event.local || "").split(" ")[1] || hhmm(event.at)) + " '" +
      (event.text.length > 40 ? event.text.slice(0, 39) + "…" : event.text) + "'";
    var details = document.createElement("details");
    details.className = "mark-menu";
    var summary = document.createElement("summary");
    summary.textContent = "Mark";
    summary.setAttribute("aria-label", what + " as a key moment");
    var options = document.createElement("div");
    options.className = "mark-options";
    (table.dataset.moments || "").split(",").filter(Boolean).forEach(function (moment) {
      var button = document.createElement("button");
      button.setAttribute("form", "mark-form");
      button.name = "mark";
      button.value = event.id + ":" + moment;
      button.className = "quiet";
      button.textContent = moment;
      button.setAttribute("aria-label", what + " as " + moment);
      options.appendChild(button);
    });
    details.append(summary, options);
    var td = document.createElement("td");
    td.className = "t-mark";
    td.appendChild(details);
    return td;
  }

  // As macros.html level_badge: error and worse get a cross, warning a triangle.
  var SEVERE_LEVELS = ["error", "critical", "alert", "emergency"];
  function levelClass(level) {
    if (SEVERE_LEVELS.indexOf(level) >= 0) return "level-severe";
    return level === "warning" ? "level-warning" : "";
  }

  function levelCell(event) {
    var td = cell("t-level", "");
    if (event.level) {
      var badge = document.createElement("span");
      badge.className = ("level-badge level-" + slug(event.level) + " " + levelClass(event.level)).trim();
      badge.title = "level: " + event.level;
      var icon = { "level-severe": "\u2716", "level-warning": "\u25B2" }[levelClass(event.level)];
      if (icon) {
        var mark = document.createElement("span");
        mark.className = "level-icon";
        mark.setAttribute("aria-hidden", "true");
        mark.textContent = icon;
        badge.appendChild(mark);
      }
      badge.appendChild(document.createTextNode(event.level));
      td.appendChild(badge);
    }
    if (event.component) {
      var component = document.createElement("span");
      component.className = "component";
      component.title = "component: " + event.component;
      component.textContent = event.component;
      td.append(" ", component);
    }
    return td;
  }

  function eventRow(table, event) {
    var row = document.createElement("tr");
    row.className = "event event-" + slug(event.kind) + " event-new";
    row.id = "event-" + event.id;
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
    row.append(time, kind);
    if (table.dataset.levels) row.appendChild(levelCell(event));
    var severity = levelClass(event.level);
    if (severity) row.classList.add(severity);
    // `message`: the text without its "[LEVEL] " prefix when the level badge says it (as the page shows it).
    row.append(cell("t-actor", event.actor), cell("event-text", event.message || event.text), cell("t-source muted", event.source));
    if (table.dataset.mark && document.getElementById("mark-form")) {
      var mark = markMenu(table, event);
      var change = changeControl(event);
      if (change) mark.appendChild(change);
      row.appendChild(mark);
    }
    return row;
  }

  // The row's Edit control, from the page's template, as the server renders it
  // for rows it sends: the event's own form addresses and current values.
  function changeControl(event) {
    var template = document.getElementById("event-change-template");
    if (!template) return null;
    var details = template.content.firstElementChild.cloneNode(true);
    details.id = "event-" + event.id + "-change";
    details.querySelector("summary").setAttribute("aria-label", "Edit or delete event " + event.id);
    details.querySelectorAll("form[data-action]").forEach(function (form) {
      form.action = form.dataset.action.replace(/\/events\/0\//, "/events/" + event.id + "/");
    });
    var local = (event.at || "").slice(0, 19).replace("T", " ");
    details.querySelector('input[name="at"]').value = /:00$/.test(local) ? local.slice(0, 16) : local;
    details.querySelector('select[name="kind"]').value = event.kind;
    details.querySelector('input[name="actor"]').value = event.actor || "";
    var text = details.querySelector('input[name="text"]');
    if (event.text.indexOf("\n") >= 0) {  // an input would drop the line breaks
      var area = document.createElement("textarea");
      area.name = "text"; area.rows = 3; area.required = true;
      area.value = event.text;
      text.replaceWith(area);
    } else {
      text.value = event.text;
    }
    details.querySelector(".danger").textContent = "Yes, delete event " + event.id;
    return details;
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
    document.addEventListener("cairn:event-added", function () { busy = false; poll(); });
  }

  // The quick line posts in the background: the field is emptied and keeps the
  // focus at once, so the next line can be typed while the last one is saved.
  // Lines are sent one after another, in the order typed; one that fails comes
  // back into the field (or stays in the message) with the server's reason.
  function quickLine() {
    var form = document.getElementById("add-event");
    if (!form || !window.fetch || !window.FormData) return;
    var field = form.querySelector("input[name=line]");
    var status = document.getElementById("quick-status");
    var queue = [];
    var sending = false;
    if (window.location.hash === "#add-event") field.focus();

    function say(text, failed) {
      status.textContent = text;
      status.classList.toggle("flash-error", !!failed);
    }

    function next() {
      if (sending || !queue.length) return;
      sending = true;
      var line = queue.shift();
      var data = new FormData(form);
      data.set("line", line);
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          // Success is the form's redirect back to the page (POST, redirect, GET).
          if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
            say(queue.length ? "Added; " + queue.length + " more to send…" : "Added: " + line, false);
            document.dispatchEvent(new CustomEvent("cairn:event-added"));
            return;
          }
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var flash = page.querySelector(".flash-error");
            throw new Error(flash ? flash.textContent.trim() : "Event not added (the server answered " + response.status + ").");
          });
        })
        .catch(function (error) {
          var reason = error && error.message && error.message.indexOf("Event not added") === 0 ? error.message
            : "Event not added: the server could not be reached.";
          if (!field.value) field.value = line;
          say(reason + (field.value === line ? "" : " The line was: " + line), true);
        })
        .finally(function () { sending = false; next(); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var line = field.value.trim();
      if (!line) return;
      field.value = "";
      field.focus();
      queue.push(line);
      say("Sending…", false);
      next();
    });
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

  // The postmortem editor keeps each section's unsaved text in this browser
  // (localStorage) until the server has it: a save of one section, a reload or a
  // closed tab never loses another section's typing. Leaving with unsaved text
  // asks first; "Save all" saves every changed section in turn, in place.
  function editorDrafts() {
    var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-draft]"));
    if (!forms.length) return;
    var store = null;
    try { store = window.localStorage; } catch (e) { store = null; }
    var bar = document.getElementById("save-all-bar");
    var allState = document.getElementById("save-all-state");
    var leaving = false;

    function parts(form) {
      return { text: form.querySelector("textarea[name=text]"), base: form.querySelector("input[name=base]"),
               state: form.querySelector(".save-state") };
    }
    function dirty(form) { return form.dataset.dirty === "1"; }
    function setDirty(form, value, message) {
      form.dataset.dirty = value ? "1" : "";
      var p = parts(form);
      p.state.textContent = message;
      p.state.classList.toggle("unsaved", value);
      p.state.classList.remove("flash-error");
      if (forms.some(dirty)) bar.hidden = false;  // once shown, it stays to report
    }
    function keep(form) {
      var p = parts(form);
      if (store) {
        try { store.setItem(form.dataset.draft, JSON.stringify({ text: p.text.value, base: p.base.value })); } catch (e) { /* full: the warning still guards */ }
      }
    }
    function forget(form) { if (store) store.removeItem(form.dataset.draft); }

    forms.forEach(function (form) {
      var p = parts(form);
      var saved = null;
      try { saved = store && JSON.parse(store.getItem(form.dataset.draft) || "null"); } catch (e) { saved = null; }
      if (form.dataset.pending) {
        keep(form);  // the server sent the typed text back with an error: still unsaved
        setDirty(form, true, "Not saved yet");
      } else if (saved && saved.text !== p.text.value) {
        p.text.value = saved.text;
        p.base.value = saved.base;  // a save still notices someone else's newer text
        setDirty(form, true, "Unsaved draft restored from this browser");
        p.text.dispatchEvent(new Event("input"));
      } else if (saved) {
        forget(form);  // the server has it now
      }
      p.text.addEventListener("input", function () {
        keep(form);
        if (!dirty(form)) setDirty(form, true, "Not saved yet");
      });
      form.addEventListener("submit", function () { leaving = true; });
    });

    function fieldsChanged() {
      return Array.prototype.some.call(document.querySelectorAll("main form:not([data-draft]) input, main form:not([data-draft]) textarea"), function (field) {
        return field.type !== "hidden" && field.type !== "file" && field.value !== field.defaultValue && !field.form?.dataset.draft;
      });
    }
    window.addEventListener("beforeunload", function (event) {
      if (leaving || !(forms.some(dirty) || fieldsChanged())) return;
      event.preventDefault();
      event.returnValue = "";
    });

    function saveOne(form) {
      var p = parts(form);
      var sent = p.text.value;
      p.state.textContent = "Saving…";
      return fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            if (response.ok) {
              var fresh = page.querySelector('form[data-draft="' + form.dataset.draft + '"] input[name=base]');
              if (fresh) p.base.value = fresh.value;
              p.text.defaultValue = sent;
              if (p.text.value === sent) { forget(form); setDirty(form, false, "Saved"); } else { keep(form); }
              return true;
            }
            if (response.status === 409) {
              // Someone else saved this section: the page with both versions is the way to merge.
              leaving = true;
              HTMLFormElement.prototype.submit.call(form);
              return false;
            }
            var error = page.querySelector("#editor-error");
            p.state.textContent = error ? error.textContent.trim() : "Not saved (the server answered " + response.status + ").";
            p.state.classList.add("flash-error");
            return false;
          });
        })
        .catch(function () {
          p.state.textContent = "Not saved: the server could not be reached. The text stays in this browser.";
          p.state.classList.add("flash-error");
          return false;
        });
    }

    var button = document.getElementById("save-all");
    button.addEventListener("click", function () {
      var todo = forms.filter(dirty);
      var done = 0;
      button.disabled = true;
      allState.textContent = "Saving…";
      (function step() {
        if (!todo.length) {
          button.disabled = false;
          allState.textContent = done === 1 ? "Saved 1 section." : "Saved " + done + " sections.";
          return;
        }
        saveOne(todo.shift()).then(function (ok) {
          if (!ok) { button.disabled = false; allState.textContent = "Stopped: a section was not saved (see its message)."; return; }
          done++;
          step();
        });
      })();
    });
  }

  // Blameless-language findings under each section while writing: the text is
  // sent to the lint API a moment after typing stops; only the newest answer shows.
  function inlineLint() {
    var forms = document.querySelectorAll("form[data-lint]");
    if (!forms.length || !window.fetch) return;
    forms.forEach(function (form) {
      var area = form.querySelector("textarea[name=text]");
      var box = document.getElementById("lint-" + form.dataset.section);
      var timer = null;
      var sent = 0;
      function show(findings) {
        box.replaceChildren();
        if (!findings.length) return;
        var head = document.createElement("p");
        head.className = "lint-inline-head";
        head.textContent = findings.length === 1 ? "1 wording to reconsider:" : findings.length + " wordings to reconsider:";
        var list = document.createElement("ul");
        findings.forEach(function (finding) {
          var item = document.createElement("li");
          var quote = document.createElement("q");
          quote.textContent = finding.excerpt;
          var where = document.createElement("span");
          where.className = "muted";
          where.textContent = " line " + finding.line + ": ";
          item.append(quote, where, document.createTextNode(finding.message + (finding.suggestion ? " Try: " + finding.suggestion : "")));
          list.appendChild(item);
        });
        box.append(head, list);
      }
      function check() {
        var mine = ++sent;
        if (!area.value.trim()) { show([]); return; }
        fetch(form.dataset.lint, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ text: area.value })
        })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) { if (data && mine === sent) show(data.findings); })
          .catch(function () {});
      }
      area.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(check, 600);
      });
      if (area.value.trim()) check();
    });
  }

  // Typing in any field, editable text or a menu never triggers a shortcut.
  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true], [role=textbox]");
  }

  // "e" jumps to the add-event line, as long as one is not already typing.
  function shortcuts() {
    var line = document.querySelector("#add-event input[name=line]");
    if (!line) return;
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.isComposing || typing(event.target) || typing(document.activeElement)) return;
      if (event.key === "e" && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        line.focus();
      }
    });
  }

  // Buttons that remove something ask first (data-confirm holds the question).
  function confirmations() {
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
      if (question && !window.confirm(question)) event.preventDefault();
    }, true);
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

  // A PDF of a big incident takes seconds to print: the link says it is being
  // prepared (with the time spent so far) and hands the file over when it is ready.
  // The file name of a download: RFC 6266's filename*=UTF-8''… first, then filename="…".
  function fileName(response, fallback) {
    var disposition = response.headers.get("Content-Disposition") || "";
    var encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (encoded) {
      try { return decodeURIComponent(encoded[1]); } catch (error) { /* malformed: try the plain form */ }
    }
    var plain = /filename="?([^";]+)"?/i.exec(disposition);
    return plain ? plain[1] : fallback;
  }

  function pdfDownloads() {
    if (!window.fetch || !window.URL || !URL.createObjectURL) return;
    document.addEventListener("click", function (click) {
      var link = click.target.closest && click.target.closest('a[data-format="pdf"]');
      if (!link || click.defaultPrevented || click.button !== 0 || click.ctrlKey || click.metaKey || click.shiftKey) return;
      click.preventDefault();
      if (link.dataset.busy) return;
      link.dataset.busy = "1";
      link.setAttribute("aria-busy", "true");
      var status = link.parentNode.querySelector(".export-status");
      if (!status) {
        status = document.createElement("span");
        status.className = "export-status";
        status.setAttribute("role", "status");
        link.after(status);
      }
      var began = Date.now();
      function tell() {
        status.textContent = " Preparing the PDF… " + Math.round((Date.now() - began) / 1000) + " s";
      }
      tell();
      var timer = window.setInterval(tell, 1000);
      fetch(link.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            return response.text().then(function (body) {
              var page = new DOMParser().parseFromString(body, "text/html");
              var reason = page.querySelector(".flash-error, main p");
              throw new Error(reason ? reason.textContent.trim() : "the server answered " + response.status);
            });
          }
          if ((response.headers.get("Content-Type") || "").indexOf("application/pdf") !== 0) {
            throw new Error("the server did not send a PDF (signed out?): reload the page");
          }
          return response.blob().then(function (blob) { return { blob: blob, name: fileName(response, "postmortem.pdf") }; });
        })
        .then(function (file) {
          var url = URL.createObjectURL(file.blob);
          var save = document.createElement("a");
          save.href = url;
          save.download = file.name;
          document.body.appendChild(save);
          save.click();
          save.remove();
          window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          status.textContent = " PDF ready (" + Math.round((Date.now() - began) / 1000) + " s).";
        })
        .catch(function (error) { status.textContent = " The PDF could not be made: " + error.message; })
        .finally(function () {
          window.clearInterval(timer);
          delete link.dataset.busy;
          link.removeAttribute("aria-busy");
        });
    });
  }

  // A drill's page follows the drill without a reload: reveals the game master
  // shows (or the clock brings) and log lines are added as they come; when the
  // drill ends, the page reloads into the debrief. The answer polled is the
  // role-filtered one of the API, so nothing hidden ever reaches this page.
  function liveDrill() {
    var shown = document.getElementById("drill-shown");
    if (!shown || !shown.dataset.feed || shown.dataset.running !== "yes" || !window.fetch) return;
    var log = document.getElementById("drill-log");
    var status = document.getElementById("drill-status");
    var note = document.getElementById("drill-live");
    if (note) note.hidden = false;
    var busy = false;
    function clock(startedAt, at) {
      var seconds = Math.max(0, Math.round((Date.parse(at) - Date.parse(startedAt)) / 1000));
      var hours = Math.floor(seconds / 3600), minutes = Math.floor((seconds % 3600) / 60), rest = seconds % 60;
      var mm = hours ? String(minutes).padStart(2, "0") : String(minutes);
      return "+" + (hours ? hours + ":" : "") + mm + ":" + String(rest).padStart(2, "0");
    }
    function item(offset, kind, who, text) {
      var li = document.createElement("li");
      var num = document.createElement("span");
      num.className = "num";
      num.textContent = offset;
      var chip = document.createElement("span");
      chip.className = "chip chip-kind";
      chip.textContent = kind;
      li.append(num, " ", chip, " ");
      if (who) {
        var strong = document.createElement("strong");
        strong.textContent = who;
        li.append(strong, " ");
      }
      li.append(text);
      return li;
    }
    function poll() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(shown.dataset.feed, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (drill) {
          if (!drill) return;
          if (status && drill.status !== status.dataset.status) { window.location.reload(); return; }
          drill.shown.forEach(function (reveal) {
            if (shown.querySelector('li[data-position="' + reveal.position + '"]')) return;
            var li = item(clock(drill.started_at, reveal.shown_at), reveal.kind, "", reveal.text);
            li.dataset.position = reveal.position;
            shown.appendChild(li);
            var empty = document.getElementById("drill-shown-empty");
            if (empty) empty.remove();
          });
          if (log) {
            drill.log.slice(log.children.length).forEach(function (entry) {
              log.appendChild(item(clock(drill.started_at, entry.at), entry.kind, entry.actor, entry.text));
            });
          }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .finally(function () { busy = false; });
    }
    window.setInterval(poll, 2000);
    document.addEventListener("visibilitychange", poll);
  }

  confirmations();
  pdfDownloads();
  liveTimeline();
  quickLine();
  importJobs();
  livePreview();
  editorDrafts();
  inlineLint();
  shortcuts();
  liveDrill();
})();
