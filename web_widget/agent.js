/* The agents' console. Plain DOM, text only (no innerHTML with data), no CDN; the chart is SVG drawn here. */
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  // Inline SVG icons in the text's colour (an emoji is an empty box without an emoji font).
  var SVG_NS = "http://www.w3.org/2000/svg";
  var THUMB_UP = "M2 10h4v11H2zM8 21h9.2a2 2 0 0 0 2-1.6l1.7-7.6A2 2 0 0 0 19 9.4h-5.3l.9-4.3A1.9 1.9 0 0 0 11.3 3.6L8 9.8z";
  function icon(d, flipped) {
    var svg = document.createElementNS(SVG_NS, "svg");
    [["viewBox", "0 0 24 24"], ["width", "18"], ["height", "18"], ["aria-hidden", "true"], ["focusable", "false"]]
      .forEach(function (pair) { svg.setAttribute(pair[0], pair[1]); });
    if (flipped) svg.setAttribute("transform", "rotate(180)");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }
  function api(method, path, body) {
    return fetch(path, { method: method, headers: { "content-type": "application/json" }, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().then(function (data) { if (!r.ok) throw new Error((data.error && data.error.message) || r.status); return data; }); });
  }

  var login = $("login");
  if (login) {
    login.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/v1/agent/login", { password: $("password").value })
        .then(function () { location.reload(); })
        .catch(function (error) { $("login-error").textContent = "Sign-in failed: " + error.message; });
    });
    $("password").focus();
    return;
  }
  var logout = $("logout");
  if (logout) logout.addEventListener("click", function () { api("POST", "/v1/agent/logout").then(function () { location.reload(); }); });

  var store = $("store");
  var tabs = ["suggest", "inbox", "drafts", "analytics"];
  function show(name) {
    tabs.forEach(function (t) {
      $(t).hidden = t !== name;
      $("tab-" + t).setAttribute("aria-selected", String(t === name));
    });
    if (name === "inbox") loadInbox();
    if (name === "analytics") loadAnalytics();
    if (name === "drafts") loadDrafts();
  }
  tabs.forEach(function (t) { $("tab-" + t).addEventListener("click", function () { show(t); }); });
  store.addEventListener("change", function () { $("suggestions").textContent = ""; if (!$("inbox").hidden) loadInbox(); if (!$("analytics").hidden) loadAnalytics(); });
  $("range").addEventListener("change", loadAnalytics);

  // Suggested replies with copy and feedback.
  $("suggest-button").addEventListener("click", function () {
    var message = $("customer-message").value.trim();
    var box = $("suggestions");
    if (!message) return;
    box.textContent = "Thinking…";
    api("POST", "/v1/suggest", { store: store.value, message: message }).then(function (list) {
      box.textContent = "";
      if (!list.length) box.appendChild(el("p", { text: "No confident reply: this one needs a person." }));
      list.forEach(function (s, i) { box.appendChild(card(s, i, message)); });
    }).catch(function (e) { box.textContent = "Error: " + e.message; });
  });

  function card(s, i, message) {
    var reply = el("pre", { class: "reply", text: s.reply });
    var status = el("span", { class: "saved", role: "status" });
    var sources = el("div", {}, s.sources.map(function (src) {
      return el("details", {}, [el("summary", { text: "Source: " + src.title + " (" + src.citation + ")" }), el("p", { text: src.text })]);
    }));
    function send(verdict, edited) {
      return api("POST", "/v1/feedback", { store: store.value, message: message, suggested: s.reply, verdict: verdict, edited: edited || null, source_ids: s.sources.map(function (x) { return x.id; }) })
        .then(function () { status.textContent = "Feedback saved."; })
        .catch(function (e) { status.textContent = "Error: " + e.message; });
    }
    var copy = el("button", { type: "button", class: "secondary", text: "Copy" });
    copy.addEventListener("click", function () {
      (navigator.clipboard ? navigator.clipboard.writeText(s.reply) : Promise.reject()).then(function () { status.textContent = "Copied."; }, function () { status.textContent = "Select the text to copy it."; });
    });
    var up = el("button", { type: "button", class: "secondary", "aria-label": "Good reply" }, [icon(THUMB_UP, false)]);
    var down = el("button", { type: "button", class: "secondary", "aria-label": "Bad reply" }, [icon(THUMB_UP, true)]);
    var edit = el("button", { type: "button", class: "secondary", text: "I sent an edited version" });
    up.addEventListener("click", function () { send("up"); });
    down.addEventListener("click", function () { send("down"); });
    edit.addEventListener("click", function () {
      var area = el("textarea", { rows: "5", "aria-label": "The reply you sent" });
      area.value = s.reply;
      var save = el("button", { type: "button", text: "Save edited reply" });
      save.addEventListener("click", function () { send("edited", area.value); });
      wrapper.appendChild(area);
      wrapper.appendChild(save);
      area.focus();
    });
    // A reply the bot would not send itself is marked: read it against the question before using it.
    var unsure = s.sure ? [] : [el("p", { class: "unsure", text: "Low confidence: check that it answers the question before you use it." })];
    var wrapper = el("article", { class: "suggestion" + (s.sure ? "" : " unsure-suggestion"), "aria-label": "Suggestion " + (i + 1) }, [
      el("p", { class: "meta", text: "Suggestion " + (i + 1) + " · " + s.kind + " · confidence " + s.confidence.toFixed(2) }),
    ].concat(unsure, [reply, sources, copy, up, down, edit, status]));
    return wrapper;
  }

  // Inbox: unanswered questions, attach to a passage or mark out of scope.
  var WHY = { handoff: "handed off", clarify: "answered with “did you mean…?”", answer: "answered unsure", thumbs_down: "an agent marked the reply bad", edited: "an agent rewrote the reply" };
  function loadInbox() {
    var list = $("inbox-list");
    list.textContent = "Loading…";
    Promise.all([api("GET", "/v1/agent/inbox?store=" + store.value), api("GET", "/v1/agent/passages?store=" + store.value)]).then(function (results) {
      var items = results[0], passages = results[1];
      list.textContent = "";
      if (!items.length) list.appendChild(el("li", { text: "Nothing waiting." }));
      items.forEach(function (item) {
        // No entry is chosen for the agent: the likely ones (by meaning) come first, then every entry.
        var choose = el("option", { value: "", text: "Choose the entry that answers it…" });
        var likely = el("optgroup", { label: "Likely" }, (item.proposed || []).map(function (p) { return el("option", { value: p.id, text: p.title }); }));
        var every = el("optgroup", { label: "All entries" }, passages.map(function (p) { return el("option", { value: p.id, text: p.title }); }));
        var select = el("select", { "aria-label": "FAQ entry for “" + item.message + "”" }, [choose, likely, every]);
        select.value = "";
        var attach = el("button", { type: "button", text: "Attach as phrasing", disabled: "disabled" });
        select.addEventListener("change", function () { attach.disabled = !select.value; });
        var outOfScope = el("button", { type: "button", class: "secondary", text: "Out of scope" });
        var status = el("span", { class: "saved", role: "status" });
        function teach(passageId) {
          api("POST", "/v1/agent/phrasings", { store: store.value, phrase: item.message, passage_id: passageId })
            .then(function () { status.textContent = passageId ? "Attached." : "Marked out of scope."; })
            .catch(function (e) { status.textContent = "Error: " + e.message; });
        }
        attach.addEventListener("click", function () { teach(select.value); });
        outOfScope.addEventListener("click", function () { teach(null); });
        list.appendChild(el("li", {}, [
          el("p", { class: "asked" }, [el("strong", { text: item.message }), el("span", { class: "meta", text: " — asked " + item.count + "×, " + (WHY[item.kind] || item.kind) })]),
          el("div", { class: "actions" }, [select, attach, outOfScope, status]),
        ]));
      });
    }).catch(function (e) { list.textContent = "Error: " + e.message; });
  }

  // Email drafts: what the auto-responder left for a person.
  // A moment as the agent reads it, in their own time zone ("25 Nov 2026, 09:34").
  function when(iso) {
    var moment = new Date(iso);
    return isNaN(moment) ? iso : moment.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }
  function loadDrafts() {
    var list = $("drafts-list");
    list.textContent = "Loading…";
    api("GET", "/v1/agent/drafts?store=" + store.value).then(function (items) {
      list.textContent = "";
      if (!items.length) list.appendChild(el("li", { text: "No drafts waiting." }));
      items.forEach(function (d) {
        var draft = el("textarea", { rows: "10", "aria-label": "Draft reply to " + d.sender });
        draft.value = d.draft;
        var send = el("button", { type: "button", text: "Send" });
        var discard = el("button", { type: "button", class: "secondary", text: "Discard" });
        var status = el("span", { class: "saved", role: "status" });
        function act(action, body, done) {
          send.disabled = discard.disabled = true;
          api("POST", "/v1/agent/drafts/" + d.id + "/" + action, body)
            .then(function () { status.textContent = done; draft.disabled = true; })
            .catch(function (e) { status.textContent = "Not " + (action === "send" ? "sent" : "discarded") + ": " + e.message; send.disabled = discard.disabled = false; });
        }
        send.addEventListener("click", function () { act("send", { store: store.value, text: draft.value }, "Sent to " + d.sender + "."); });
        discard.addEventListener("click", function () { act("discard", { store: store.value }, "Discarded."); });
        list.appendChild(el("li", {}, [
          el("strong", { text: d.subject || "(no subject)" }), el("span", { class: "meta", text: " — from " + d.sender + ", " + when(d.received_at) }),
          el("p", { class: "meta", text: "Left for a person: " + d.reason }), draft, el("div", { class: "actions" }, [send, discard, status]),
        ]));
      });
    }).catch(function (e) { list.textContent = "Error: " + e.message; });
  }

  // Analytics: a stacked bar per day (answered / policy / clarify / handoff / other), drawn as SVG.
  var COLOURS = { answer: "#2e7d32", policy: "#1565c0", order: "#6a1b9a", clarify: "#f9a825", handoff: "#c62828", smalltalk: "#78909c" };
  var LABELS = { answer: "answered", policy: "computed", order: "order", clarify: "clarified", handoff: "handed off", smalltalk: "small talk" };
  function swatch(colour) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "12"); svg.setAttribute("height", "12"); svg.setAttribute("aria-hidden", "true");
    var rect = document.createElementNS(SVG_NS, "rect");
    rect.setAttribute("width", "12"); rect.setAttribute("height", "12"); rect.setAttribute("fill", colour);
    svg.appendChild(rect);
    return svg;
  }
  function svgText(x, y, text, anchor) {
    var node = document.createElementNS(SVG_NS, "text");
    node.setAttribute("x", x); node.setAttribute("y", y); node.setAttribute("font-size", "11");
    if (anchor) node.setAttribute("text-anchor", anchor);
    node.textContent = text;
    return node;
  }
  // Questions per day by outcome: every day of the chosen range on the axis, a scale, a legend.
  function loadAnalytics() {
    var days = $("range").value;
    api("GET", "/v1/agent/analytics?store=" + store.value + "&days=" + days).then(function (data) {
      var chart = $("chart");
      chart.textContent = "";
      chart.setAttribute("aria-label", "Questions per day by outcome, last " + days + " days: " + data.total + " in all");
      var legend = $("legend"); legend.textContent = "";
      Object.keys(COLOURS).forEach(function (kind) { legend.appendChild(el("li", {}, [swatch(COLOURS[kind]), el("span", { text: " " + LABELS[kind] })])); });
      var step = data.days.length > 31 ? 10 : data.days.length > 14 ? 22 : 44, bar = Math.max(6, step - 8), left = 40;
      var width = Math.max(320, data.days.length * step + left + 10), height = 180;
      var max = Math.max.apply(null, data.days.map(function (d) { return d.total; }).concat([1]));
      var svg = document.createElementNS(SVG_NS, "svg");
      svg.setAttribute("width", width); svg.setAttribute("height", height + 30); svg.setAttribute("viewBox", "0 0 " + width + " " + (height + 30));
      var axis = document.createElementNS(SVG_NS, "path");
      axis.setAttribute("d", "M" + (left - 4) + " 10V" + height + "H" + (width - 4));
      axis.setAttribute("stroke", "#555"); axis.setAttribute("fill", "none");
      svg.appendChild(axis);
      svg.appendChild(svgText(left - 8, 14, String(max), "end"));
      svg.appendChild(svgText(left - 8, height, "0", "end"));
      var every = Math.ceil(data.days.length / 12);  // at most about twelve dates under the axis
      data.days.forEach(function (day, i) {
        var y = height, x = left + i * step;
        Object.keys(COLOURS).forEach(function (kind) {
          var n = day[kind] || 0;
          if (!n) return;
          var h = (n / max) * (height - 10);
          var rect = document.createElementNS(SVG_NS, "rect");
          rect.setAttribute("x", x); rect.setAttribute("y", y - h); rect.setAttribute("width", bar); rect.setAttribute("height", h);
          rect.setAttribute("fill", COLOURS[kind]);
          var title = document.createElementNS(SVG_NS, "title"); title.textContent = day.date + ": " + n + " " + LABELS[kind]; rect.appendChild(title);
          svg.appendChild(rect);
          y -= h;
        });
        if (i % every === 0) svg.appendChild(svgText(x, height + 16, day.date.slice(5)));
      });
      chart.appendChild(svg);
      var shares = $("shares"); shares.textContent = "";
      Object.keys(data.shares).forEach(function (kind) {
        shares.appendChild(el("li", { text: (LABELS[kind] || kind) + ": " + Math.round(data.shares[kind] * 100) + "%" }));
      });
      var topics = $("topics"); topics.textContent = "";
      data.top_topics.forEach(function (t) { topics.appendChild(el("li", { text: t.title + " (" + t.count + ")" })); });
    }).catch(function (e) { $("chart").textContent = "Error: " + e.message; });
  }

})();
