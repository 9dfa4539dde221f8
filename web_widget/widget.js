/* faqbot chat widget. Embed with one tag:
 *   <script src="https://BOT-HOST/widget.js" data-store="dissoo" defer></script>
 * Optional: data-colour="#5b2a6e" (the shop's colour for the button, header and the shopper's
 * messages, with white text on it: taken only when that reads at WCAG AA, 4.5:1, else the default).
 * Everything lives in an open shadow root (the host page's CSS cannot reach it; tests and
 * assistive technology can). Replies are rendered as text: only http(s) and mailto links
 * become links. The session and messages survive a reload (localStorage). No dependencies.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-store][src*='widget.js']");
  if (!script) return;
  var store = script.getAttribute("data-store");
  var base = new URL(script.src, location.href).origin;
  var key = "faqbot:" + store;
  var state = load();
  var info = { name: store, support_email: null };
  var busy = false;

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* a broken entry starts a new conversation */ }
    return { session_id: null, messages: [], open: false };
  }
  function save() {
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode: keep going */ }
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // Icons are inline SVG paths, drawn in the text's colour: an emoji renders as an empty box where
  // no emoji font is installed.
  var SVG_NS = "http://www.w3.org/2000/svg";
  var CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9.5L4 22v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z";
  function icon(d) {
    var svg = document.createElementNS(SVG_NS, "svg");
    [["viewBox", "0 0 24 24"], ["width", "20"], ["height", "20"], ["aria-hidden", "true"], ["focusable", "false"], ["class", "icon"]]
      .forEach(function (pair) { svg.setAttribute(pair[0], pair[1]); });
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  // Text with links: http(s) URLs and email addresses only; everything else stays text.
  var LINK = /(https?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?])|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;
  function linkify(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(LINK, function (match, url, email, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = url ? url : "mailto:" + email;
      var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: match });
      fragment.appendChild(a);
      last = offset + match.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // WCAG 2 contrast of white text on "#rrggbb" (the same sums as bot/ingest/showcase.py's check).
  function whiteContrast(colour) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(colour.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return 1.05 / (luminance + 0.05);
  }
  function accentOf(value) {
    if (!value) return null;
    if (!/^#[0-9a-fA-F]{6}$/.test(value)) {
      console.warn("faqbot: data-colour " + JSON.stringify(value) + ' is not a colour written "#rrggbb"; the default is used');
      return null;
    }
    if (whiteContrast(value) < 4.5) {
      console.warn("faqbot: white text on " + value + " has a contrast of " + whiteContrast(value).toFixed(2) + ":1 (WCAG AA wants 4.5:1); the default is used");
      return null;
    }
    return value.toLowerCase();
  }

  var host = el("div", { id: "faqbot-widget", "data-store": store });
  var accent = accentOf(script.getAttribute("data-colour") || script.getAttribute("data-color"));
  if (accent) host.style.setProperty("--faqbot-accent", accent);
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: base + "/widget.css" }));
  var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "faqbot-panel", "aria-label": "Chat with us" }, [
    icon(CHAT_ICON), el("span", { class: "launcher-label", text: "Help" }),
  ]);
  var title = el("h2", { id: "faqbot-title", text: "Help" });
  var close = el("button", { class: "close", type: "button", "aria-label": "Close chat", text: "×" });
  // tabindex 0: the conversation scrolls, so a keyboard must be able to reach it and scroll it (WCAG 2.1.1).
  var log = el("div", { class: "messages", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { class: "typing", hidden: "" }, [el("span", { class: "dots", "aria-hidden": "true", text: "•••" }), el("span", { class: "sr", text: "The assistant is typing" })]);
  var chips = el("div", { class: "chips", role: "group", "aria-label": "Suggestions" });
  var input = el("textarea", { rows: "2", "aria-label": "Your message", placeholder: "Ask a question… (Enter to send)", maxlength: "2000" });
  var send = el("button", { class: "send", type: "submit", text: "Send" });
  var form = el("form", { class: "composer" }, [input, send]);
  var emailLink = el("a", { class: "email", href: "#", hidden: "" , text: "Email us" });
  var panel = el("section", { id: "faqbot-panel", class: "panel", role: "dialog", "aria-labelledby": "faqbot-title", hidden: "" }, [
    el("header", {}, [title, close]), log, typing, chips, form, el("footer", {}, [emailLink]),
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);

  function bubble(message) {
    var item = el("div", { class: "msg " + message.from, "data-kind": message.kind || "" });
    item.appendChild(el("span", { class: "sr", text: message.from === "bot" ? info.name + " says: " : "You said: " }));
    var body = el("div", { class: "body" });
    body.appendChild(message.from === "bot" ? linkify(message.text) : document.createTextNode(message.text));
    item.appendChild(body);
    if (message.retry) {
      var retry = el("button", { class: "retry", type: "button", text: "Retry" });
      retry.addEventListener("click", function () { ask(message.retry, true); });
      item.appendChild(retry);
    }
    return item;
  }
  function render() {
    log.textContent = "";
    state.messages.forEach(function (m) { log.appendChild(bubble(m)); });
    var last = state.messages[state.messages.length - 1];
    chips.textContent = "";
    ((last && last.from === "bot" && last.suggestions) || []).forEach(function (text) {
      var chip = el("button", { class: "chip", type: "button", text: text });
      chip.addEventListener("click", function () { ask(text); });
      chips.appendChild(chip);
    });
    log.scrollTop = log.scrollHeight;
  }
  function greet() {
    if (!state.messages.length) {
      state.messages.push({ from: "bot", text: "Hi! I'm " + info.name + "'s assistant. Ask me about orders, shipping, returns or our products.", kind: "smalltalk" });
    }
  }
  function setOpen(open) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { render(); input.focus(); } else { launcher.focus(); }
  }

  function ask(text, isRetry) {
    text = (text || "").trim();
    if (!text || busy) return;
    if (!isRetry) state.messages.push({ from: "me", text: text });
    state.messages = state.messages.filter(function (m) { return !m.retry; });
    busy = true;
    send.disabled = true;
    typing.hidden = false;
    render();
    save();
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 15000);
    fetch(base + "/v1/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ store: store, message: text, session_id: state.session_id || undefined }),
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
    }).then(function (result) {
      if (!result.ok) throw new Error((result.body && result.body.error && result.body.error.message) || "HTTP " + result.status);
      state.session_id = result.body.session_id;
      state.messages.push({ from: "bot", text: result.body.reply, kind: result.body.kind, suggestions: result.body.suggestions });
    }).catch(function (error) {
      var why = error && error.name === "AbortError" ? "The assistant is taking too long to answer." : "Sorry, the assistant can't be reached right now.";
      state.messages.push({ from: "bot", text: why + " Your message is kept — press Retry.", kind: "error", retry: text });
      if (!input.value) input.value = text;
    }).then(function () {
      clearTimeout(timer);
      busy = false;
      send.disabled = false;
      typing.hidden = true;
      save();
      render();
    });
  }

  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") setOpen(false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    ask(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  fetch(base + "/v1/stores/" + encodeURIComponent(store)).then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
    if (!body) return;
    info = body;
    title.textContent = body.name;
    launcher.setAttribute("aria-label", "Chat with " + body.name);
    if (body.support_email) {
      emailLink.href = "mailto:" + body.support_email;
      emailLink.textContent = "Email us: " + body.support_email;
      emailLink.hidden = false;
    }
    if (state.messages.length === 1 && state.messages[0].kind === "smalltalk") state.messages = [];
    greet();
    render();
  }).catch(function () { greet(); render(); });

  greet();
  (document.body || document.documentElement).appendChild(host);
  if (state.open) setOpen(true);
})();
