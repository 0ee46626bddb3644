/*
 * Assistant d'orientation : fenêtre de discussion à ajouter à une page avec une seule balise :
 *   <script src="https://HOTE-DU-BOT/webchat/widget.js" data-title="Assistant d'orientation" defer></script>
 * JavaScript sans dépendance ni étape de construction. Tout vit dans un Shadow DOM : les styles et les
 * scripts de la page hôte n'y entrent pas, ceux du widget n'en sortent pas. Les réponses sont insérées
 * comme texte (textContent), jamais comme HTML.
 */
(function () {
  "use strict";

  var TAG = "orientation-webchat";
  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll('script[src*="/webchat/widget.js"]');
    script = candidates[candidates.length - 1];
  }
  if (!script || document.querySelector(TAG)) return;

  var base = new URL(".", script.src); // …/webchat/ : the webhook lives beside the script
  var ENDPOINT = new URL("webhook", base).href;
  var TITLE = script.getAttribute("data-title") || "Assistant d'orientation";
  var SUBTITLE = script.getAttribute("data-subtitle") || "Métiers, études et certifications";
  var STORE_KEY = "orientation-webchat:" + base.origin + base.pathname;
  var MAX_CHARS = 1000;
  var MAX_KEPT = 200; // messages kept in the stored transcript
  var TIMEOUT_MS = 45000;
  var SUGGESTIONS = [
    "Quelles études pour devenir directrice de communication ?",
    "Que fait un chef de publicité ?",
    "Que sais-tu faire ?"
  ];

  var CSS = [
    ":host{all:initial!important;display:block!important;position:static!important;visibility:visible!important;",
    "opacity:1!important;transform:none!important;filter:none!important;contain:none!important}",
    ".root{all:initial;display:block;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;",
    "font-size:15px;line-height:1.45;color:#1e293b;-webkit-font-smoothing:antialiased;text-align:left}",
    ".root *,.root *::before,.root *::after{box-sizing:border-box;font:inherit;color:inherit;letter-spacing:normal;",
    "text-transform:none;text-shadow:none;margin:0}",
    ".sr-only{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);",
    "white-space:nowrap;border:0}",
    "button{cursor:pointer;border:0;background:none;padding:0;text-align:inherit}",
    "button:focus-visible,textarea:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:10px;",
    "min-height:52px;padding:12px 20px 12px 16px;border-radius:999px;background:#1e3a8a;color:#fff;font-weight:600;",
    "box-shadow:0 8px 24px rgba(15,23,42,.28);transition:transform .15s ease,background .15s ease}",
    ".launcher:hover{background:#1e40af;transform:translateY(-1px)}",
    ".launcher svg,.icon-btn svg{width:24px;height:24px;flex:none;fill:none;stroke:currentColor;stroke-width:2;",
    "stroke-linecap:round;stroke-linejoin:round}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:384px;height:620px;",
    "max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;",
    "box-shadow:0 18px 48px rgba(15,23,42,.32),0 2px 6px rgba(15,23,42,.12);border:1px solid #cbd5e1}",
    ".panel[hidden],.launcher[hidden],.typing[hidden],.alert[hidden]{display:none}",
    ".header{display:flex;align-items:center;gap:8px;padding:14px 12px 14px 18px;background:#1e3a8a;color:#fff}",
    ".avatar{width:38px;height:38px;flex:none;border-radius:50%;background:#fff;color:#1e3a8a;display:flex;",
    "align-items:center;justify-content:center}",
    ".avatar svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}",
    ".titles{flex:1;min-width:0}",
    ".title{font-size:16px;font-weight:700;line-height:1.25;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".subtitle{font-size:13px;opacity:1;color:#dbeafe;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".icon-btn{width:40px;height:40px;flex:none;border-radius:10px;display:flex;align-items:center;justify-content:center;color:#fff}",
    ".icon-btn:hover{background:rgba(255,255,255,.16)}",
    ".header button:focus-visible,.launcher:focus-visible{outline-color:#f59e0b}",
    ".log{flex:1;min-height:0;overflow-y:auto;padding:16px 14px 12px;background:#f8fafc;scroll-behavior:smooth;",
    "display:flex;flex-direction:column;gap:10px}",
    ".log:focus-visible{outline:3px solid #1d4ed8;outline-offset:-3px}",
    ".msg{flex:none;max-width:88%;padding:10px 14px;border-radius:14px;white-space:pre-line;overflow-wrap:anywhere;word-break:normal}",
    ".bot{align-self:flex-start;background:#fff;border:1px solid #e2e8f0;border-bottom-left-radius:4px;color:#1e293b}",
    ".user{align-self:flex-end;background:#1e3a8a;color:#fff;border-bottom-right-radius:4px}",
    ".user.failed{background:#fff;color:#1e293b;border:2px dashed #b91c1c}",
    ".status-note{display:block;margin-top:4px;font-size:12px;color:#b91c1c;font-weight:600}",
    ".source{display:block;margin-top:8px;padding-top:6px;border-top:1px solid #e2e8f0;font-size:13px;color:#475569}",
    ".choices{flex:none;display:flex;flex-wrap:wrap;gap:8px;align-self:flex-start;max-width:100%}",
    ".choice{padding:8px 14px;border-radius:999px;border:1.5px solid #1e3a8a;background:#fff;color:#1e3a8a;font-weight:600;",
    "font-size:14px;line-height:1.3}",
    ".choice:hover{background:#eff6ff}",
    ".choice[aria-pressed=true]{background:#1e3a8a;color:#fff}",
    ".choice:disabled{cursor:default;border-color:#94a3b8;color:#475569;background:#f1f5f9}",
    ".choice[aria-pressed=true]:disabled{background:#334155;border-color:#334155;color:#fff}",
    ".welcome-hint{font-size:13px;color:#475569;align-self:flex-start;margin-top:2px}",
    ".typing{align-self:flex-start;display:flex;flex:none;gap:5px;padding:14px 16px;background:#fff;",
    "border:1px solid #e2e8f0;border-radius:14px;border-bottom-left-radius:4px;width:max-content}",
    ".dot{width:8px;height:8px;border-radius:50%;background:#64748b;animation:blink 1.2s infinite ease-in-out}",
    ".dot:nth-child(3){animation-delay:.2s}.dot:nth-child(4){animation-delay:.4s}",
    "@keyframes blink{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}",
    ".alert{margin:0 14px 8px;padding:10px 12px;border-radius:10px;background:#fef2f2;border:1px solid #fecaca;color:#7f1d1d;",
    "font-size:14px;display:flex;gap:10px;align-items:center;justify-content:space-between}",
    ".retry{flex:none;padding:6px 12px;border-radius:8px;background:#b91c1c;color:#fff;font-weight:600;font-size:14px}",
    ".composer{display:flex;gap:8px;align-items:flex-end;padding:10px 12px 12px;border-top:1px solid #e2e8f0;background:#fff}",
    "textarea{flex:1;resize:none;min-height:44px;max-height:120px;padding:11px 12px;border:1.5px solid #64748b;border-radius:12px;",
    "background:#fff;color:#1e293b;line-height:1.4;font-size:15px}",
    "textarea::placeholder{color:#64748b;opacity:1}",
    "textarea:focus-visible{outline-offset:0;border-color:#1e3a8a}",
    ".send{width:44px;height:44px;flex:none;border-radius:12px;background:#1e3a8a;color:#fff;display:flex;align-items:center;",
    "justify-content:center}",
    ".send:hover{background:#1e40af}",
    ".send svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2.2;stroke-linecap:round;stroke-linejoin:round}",
    ".footer-note{padding:0 12px 10px;background:#fff;font-size:12px;color:#475569;text-align:center}",
    "@media (max-width:480px){.panel{inset:0;right:0;bottom:0;width:100%;height:100%;max-height:none;border-radius:0;border:0}",
    ".launcher{right:12px;bottom:12px}.msg{max-width:92%}}",
    "@media (prefers-reduced-motion:reduce){.dot{animation:none}.launcher{transition:none}.log{scroll-behavior:auto}}"
  ].join("\n");

  // -- storage (localStorage may be missing or full: the chat then lives in memory) --------------------
  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (data && typeof data.id === "string" && Array.isArray(data.messages)) return data;
    } catch (e) { /* stockage indisponible */ }
    return null;
  }
  function save() {
    try {
      state.messages = state.messages.slice(-MAX_KEPT);
      window.localStorage.setItem(STORE_KEY, JSON.stringify({ v: 1, id: state.id, messages: state.messages }));
    } catch (e) { /* stockage indisponible */ }
  }
  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var state = load() || { id: newId(), messages: [] };
  var busy = false;

  // -- DOM helpers: elements and text nodes only, never HTML strings ---------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] === true) node.setAttribute(k, "");
      else if (attrs[k] !== false && attrs[k] != null) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function icon(paths) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var p = document.createElementNS(ns, "path");
      p.setAttribute("d", d);
      svg.appendChild(p);
    });
    return svg;
  }
  var ICON_CHAT = ["M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z", "M8.5 10.5h7", "M8.5 13.5h4.5"];
  var ICON_CAP = ["M2 9.5L12 5l10 4.5L12 14z", "M6.5 11.6V16c0 1.4 2.5 2.8 5.5 2.8s5.5-1.4 5.5-2.8v-4.4", "M22 9.5v5"];
  var ICON_CLOSE = ["M6 6l12 12", "M18 6L6 18"];
  var ICON_NEW = ["M3 12a9 9 0 1 0 3-6.7", "M3 4v5h5"];
  var ICON_SEND = ["M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5L20 4"];

  // -- the widget ----------------------------------------------------------------------------------
  var host = document.createElement(TAG);
  host.setAttribute("lang", "fr");
  var shadow = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS); // a constructed sheet also works under a strict Content-Security-Policy
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.appendChild(el("style", { text: CSS }));
  }

  var panelId = "orientation-webchat-panel";
  var launcher = el("button", {
    class: "launcher", type: "button", "aria-controls": panelId, "aria-expanded": "false",
    "aria-label": "Ouvrir la discussion : " + TITLE, onclick: open
  }, [icon(ICON_CHAT), el("span", { text: TITLE, "aria-hidden": "true" })]);

  // The log scrolls by itself and takes the focus, so that it can also be scrolled with the keyboard.
  // The typing dots stay its last child, hidden from assistive technologies (the status region speaks).
  var typing = el("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [
    el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" })
  ]);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                        "aria-label": "Conversation", tabindex: "0" }, [typing]);
  var alertText = el("span");
  var retryButton = el("button", { class: "retry", type: "button", text: "Réessayer", onclick: retry });
  var alertBox = el("div", { class: "alert", role: "alert", hidden: true }, [alertText, retryButton]);
  var status = el("div", { class: "sr-only", role: "status" });
  var input = el("textarea", {
    id: "orientation-webchat-input", rows: "1", maxlength: String(MAX_CHARS), autocomplete: "off",
    placeholder: "Pose ta question…", "aria-describedby": "orientation-webchat-hint"
  });
  var form = el("form", { class: "composer", novalidate: true, onsubmit: onSubmit }, [
    el("label", { class: "sr-only", for: "orientation-webchat-input", text: "Ta question" }),
    input,
    el("button", { class: "send", type: "submit", "aria-label": "Envoyer" }, [icon(ICON_SEND)])
  ]);
  var hint = el("p", { id: "orientation-webchat-hint", class: "footer-note",
                       text: "Réponses issues de fiches officielles, avec leur source. Entrée pour envoyer." });
  var titleId = "orientation-webchat-title";
  var panel = el("div", { id: panelId, class: "panel", role: "dialog", "aria-labelledby": titleId, hidden: true,
                          onkeydown: onPanelKey }, [
    el("div", { class: "header" }, [
      el("div", { class: "avatar", "aria-hidden": "true" }, [icon(ICON_CAP)]),
      el("div", { class: "titles" }, [
        el("h2", { id: titleId, class: "title", text: TITLE }),
        el("p", { class: "subtitle", text: SUBTITLE })
      ]),
      el("button", { class: "icon-btn", type: "button", "aria-label": "Nouvelle conversation",
                     title: "Nouvelle conversation", onclick: restart }, [icon(ICON_NEW)]),
      el("button", { class: "icon-btn", type: "button", "aria-label": "Fermer la discussion",
                     title: "Fermer (Échap)", onclick: close }, [icon(ICON_CLOSE)])
    ]),
    log, alertBox, form, hint, status
  ]);
  var root = el("div", { class: "root", lang: "fr" }, [launcher, panel]);
  shadow.appendChild(root);

  // -- rendering -----------------------------------------------------------------------------------
  var SOURCE_LINE = /\n(Sources? : [^\n]*)$/;

  function messageNode(msg, index) {
    if (msg.from === "user") {
      var children = [document.createTextNode(msg.text)];
      if (msg.status === "failed") children.push(el("span", { class: "status-note", text: "Non envoyé" }));
      return el("div", { class: "msg user" + (msg.status === "failed" ? " failed" : "") }, [
        el("span", { class: "sr-only", text: "Vous : " })
      ].concat(children));
    }
    var text = msg.text || "";
    var source = null;
    var match = text.match(SOURCE_LINE);
    if (match) {
      text = text.slice(0, match.index);
      source = el("span", { class: "source", text: match[1] });
    }
    var nodes = text.trim() || source ? [el("div", { class: "msg bot" }, [
      el("span", { class: "sr-only", text: "Assistant : " }), document.createTextNode(text), source
    ])] : [];
    if (msg.buttons && msg.buttons.length) {
      var group = el("div", { class: "choices", role: "group", "aria-label": "Choix proposés" });
      msg.buttons.forEach(function (b) {
        var chosen = msg.chosen === b.payload;
        group.appendChild(el("button", {
          class: "choice", type: "button", text: b.title, disabled: !!msg.chosen,
          "aria-pressed": msg.chosen ? String(chosen) : false,
          onclick: function () { choose(index, b); }
        }));
      });
      nodes.push(group);
    }
    return nodes;
  }

  function append(msg, index) {
    var nodes = messageNode(msg, index);
    nodes = Array.isArray(nodes) ? nodes : [nodes];
    nodes.forEach(function (n) { n.setAttribute("data-index", String(index)); log.insertBefore(n, typing); });
    return nodes[0];
  }

  function renderAll() {
    while (log.firstChild !== typing) log.removeChild(log.firstChild);
    log.insertBefore(el("div", { class: "msg bot welcome" }, [
      el("span", { class: "sr-only", text: "Assistant : " }),
      document.createTextNode("Bonjour ! Je réponds à tes questions sur les métiers, les études et les " +
        "certifications, en citant toujours ma source.")
    ]), typing);
    if (!state.messages.length) {
      var group = el("div", { class: "choices suggestions", role: "group", "aria-label": "Exemples de questions" });
      SUGGESTIONS.forEach(function (q) {
        group.appendChild(el("button", { class: "choice", type: "button", text: q, onclick: function () { send(q); } }));
      });
      log.insertBefore(group, typing);
    }
    state.messages.forEach(append);
    var last = state.messages[state.messages.length - 1];
    if (last && last.from === "user" && last.status === "failed") showError(true);
    else hideError();
  }

  // Updates in place: the log is a live region, replacing its nodes would read them out again.
  function nodesOf(index) { return log.querySelectorAll('[data-index="' + index + '"]'); }
  function refreshUser(index) {
    var node = nodesOf(index)[0];
    if (!node) return;
    var failedNow = state.messages[index].status === "failed";
    node.className = "msg user" + (failedNow ? " failed" : "");
    var note = node.querySelector(".status-note");
    if (failedNow && !note) node.appendChild(el("span", { class: "status-note", text: "Non envoyé" }));
    if (!failedNow && note) node.removeChild(note);
  }
  function refreshChoices(index) {
    var msg = state.messages[index];
    Array.prototype.forEach.call(nodesOf(index), function (n) {
      Array.prototype.forEach.call(n.querySelectorAll(".choice"), function (b, i) {
        b.disabled = !!msg.chosen;
        if (msg.chosen) b.setAttribute("aria-pressed", String(msg.buttons[i].payload === msg.chosen));
        else b.removeAttribute("aria-pressed");
      });
    });
  }

  function scrollTo(node, top) {
    log.scrollTop = top ? Math.max(0, node.offsetTop - log.offsetTop - 12) : log.scrollHeight;
  }

  function add(msg) {
    var suggestions = log.querySelector(".suggestions");
    if (suggestions) log.removeChild(suggestions);
    state.messages.push(msg);
    save();
    return append(msg, state.messages.length - 1);
  }

  // -- conversation --------------------------------------------------------------------------------
  function send(text, payload) {
    text = (text || "").trim();
    if (!text || busy) return false;
    if (text.length > MAX_CHARS) { showError(false, "Message trop long : " + MAX_CHARS + " caractères au plus."); return false; }
    var node = add({ from: "user", text: text, payload: payload || undefined, status: "sending" });
    scrollTo(node, false);
    post(state.messages.length - 1);
    return true;
  }

  function post(index) {
    var msg = state.messages[index];
    busy = true;
    hideError();
    typing.hidden = false;
    status.textContent = "L'assistant écrit…";
    scrollTo(typing, false);
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    fetch(ENDPOINT, {
      method: "POST", mode: "cors", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.id, message: msg.payload || msg.text }),
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (data) { return { res: res, data: data }; });
    }).then(function (r) {
      if (r.res.ok && Array.isArray(r.data)) return received(index, r.data);
      if (r.res.status === 400 || r.res.status === 413) return rejected(index, r.data && r.data.error);
      failed(index);
    }, function () { failed(index); }).then(function () {
      clearTimeout(timer);
      busy = false;
      typing.hidden = true;
      status.textContent = "";
    });
  }

  function received(index, replies) {
    delete state.messages[index].status;
    save();
    refreshUser(index);
    var first = null;
    replies.forEach(function (r) {
      if (!r) return;
      var text = typeof r.text === "string" ? r.text : "";
      var buttons = (Array.isArray(r.buttons) ? r.buttons : []).filter(function (b) {
        return b && typeof b.payload === "string";
      }).map(function (b) { return { title: String(b.title || b.payload), payload: b.payload }; });
      if (!text.trim() && !buttons.length) return;
      var node = add({ from: "bot", text: text, buttons: buttons });
      first = first || node;
    });
    if (!first) first = add({ from: "bot", text: "Je n'ai pas de réponse à cette question. Essaie de la reformuler." });
    scrollTo(first, true);
  }

  function rejected(index, message) {
    // the server refused this text (too long, invalid): give it back to the user to edit
    var msg = state.messages.splice(index, 1)[0];
    save();
    Array.prototype.forEach.call(nodesOf(index), function (n) { log.removeChild(n); });
    if (!msg.payload) { input.value = msg.text; autosize(); }
    showError(false, message || "Message refusé par l'assistant.");
  }

  function failed(index) {
    state.messages[index].status = "failed";
    save();
    refreshUser(index);
    showError(true);
  }

  function retry() {
    var index = state.messages.length - 1;
    var last = state.messages[index];
    if (busy || !last || last.status !== "failed") return;
    last.status = "sending";
    save();
    refreshUser(index);
    post(index);
    input.focus();
  }

  function showError(canRetry, message) {
    alertText.textContent = message || "Impossible de joindre l'assistant. Vérifie ta connexion puis réessaie : " +
      "ton message est conservé.";
    retryButton.hidden = !canRetry;
    alertBox.hidden = false;
  }
  function hideError() { alertBox.hidden = true; alertText.textContent = ""; }

  function choose(index, button) {
    var msg = state.messages[index];
    if (busy || !msg || msg.chosen) return;
    msg.chosen = button.payload;
    save();
    refreshChoices(index);
    if (!send(button.title, button.payload)) { delete msg.chosen; save(); refreshChoices(index); }
    input.focus();
  }

  function restart() {
    var old = state.id;
    if (state.messages.length) {
      try {
        fetch(ENDPOINT, { method: "POST", mode: "cors", credentials: "omit", keepalive: true,
                          headers: { "Content-Type": "application/json" },
                          body: JSON.stringify({ sender: old, message: "/restart" }) }).catch(function () {});
      } catch (e) { /* rien à faire */ }
    }
    state = { id: newId(), messages: [] };
    busy = false;
    typing.hidden = true;
    save();
    renderAll();
    input.value = "";
    autosize();
    status.textContent = "Nouvelle conversation commencée.";
    input.focus();
  }

  // -- opening, closing, keyboard --------------------------------------------------------------------
  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    log.scrollTop = log.scrollHeight;
    input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  function onPanelKey(event) {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  }
  function onSubmit(event) {
    event.preventDefault();
    if (send(input.value)) { input.value = ""; autosize(); }
    input.focus();
  }
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 3, 120) + "px";
  }
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit(); else onSubmit(event);
    }
  });

  renderAll();
  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
