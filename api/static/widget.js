/*
 * policy-assistant chat widget: one file, no framework, no dependencies.
 *
 * Embed on any page with one tag (api-base defaults to the page's own origin):
 *
 *   <script src="https://assistant.example/widget.js" defer></script>
 *   <policy-assistant api-base="https://assistant.example"></policy-assistant>
 *
 * Elements defined here:
 *   <policy-assistant api-base="…" api-key="…">  the chat: questions, streamed answers with
 *       numbered citation chips, a source panel, feedback per answer.
 *   <policy-documents api-base="…" api-key="…">  the list of documents with their status.
 * With an `api-key` attribute every request carries `Authorization: Bearer <key>`. Labels follow the
 * page's language: the element's `lang` attribute, else the nearest ancestor's (`<html lang="sv">`);
 * Swedish for `sv…`, English otherwise.
 *
 * Contract with the HTTP API: POST /v1/ask/stream (Server-Sent Events: `delta` {text}…, one
 * `citations` [Citation…], then `done` {answer, abstained, mode, language, warnings} or `error`
 * {message}); GET /v1/documents; POST /v1/feedback. A 4xx/5xx body is {"detail": "…"}.
 *
 * Security: every piece of text that comes from the server (answers, quotes, titles, error
 * messages) is inserted with createTextNode / textContent, never parsed as HTML.
 */
(() => {
  "use strict";

  const HISTORY_TURNS = 20;
  const MAX_QUESTION_CHARS = 2000;
  const STARTER_QUESTIONS = [
    "Who owns housing goals?",
    "Vad är kommunstyrelsen?",
    "När gäller Tierps handlingsplan till?",
  ];
  const STATUSES = ["current", "due_for_revision", "expired", "unknown"];
  /** Every label, in English and Swedish; `{name}` is filled in by `t`. */
  const TEXTS = {
    en: {
      title: "Policy assistant", newConversation: "New conversation", suggested: "Suggested questions",
      startersIntro: "Ask about the policy documents, for example:", placeholder: "Type a question…",
      send: "Send", questionLabel: "Your question (Swedish or English)", source: "Source",
      sourceN: "Source [{n}]", sourceChip: "Source {n}", closeSource: "Close source", you: "You: ",
      assistant: "Assistant: ", answer: "Answer", searching: "Searching the policies…", warnings: "Warnings",
      helpful: "Helpful", notHelpful: "Not helpful", sendFeedback: "Send feedback", feedback: "Feedback",
      comment: "Comment (optional)", feedbackGroup: "Feedback on this answer", wasHelpful: "Was this helpful?",
      sending: "Sending…", thanks: "Thanks for your feedback!", feedbackFailed: "Feedback could not be sent: {error}",
      unreachable: "The assistant could not be reached. Check the connection and try again.",
      incomplete: "The answer could not be completed.", cutOff: "The answer was cut off before it was complete.",
      noAnswer: "The connection closed before an answer arrived.", document: "Document",
      municipality: "Municipality", section: "Section", status: "Status", quote: "Quote", pageN: "Page {n}",
      openInDocument: "Open in document", openOriginal: "Original on the website", documentsLabel: "Policy documents", loadingDocuments: "Loading documents…",
      noDocuments: "No documents are indexed.", documentsFailed: "The documents could not be loaded.",
      aDocument: "document", validUntil: "valid until {date}", revisionDue: "revision due {date}",
      notAuthorised: "Not authorised ({status})", signIn: "Sign in", serverAnswered: "The server answered {status}.",
      current: "current", due_for_revision: "due for revision", expired: "expired", unknown: "unknown",
    },
    sv: {
      title: "Policyassistenten", newConversation: "Ny konversation", suggested: "Förslag på frågor",
      startersIntro: "Fråga om policydokumenten, till exempel:", placeholder: "Skriv en fråga…",
      send: "Skicka", questionLabel: "Din fråga (på svenska eller engelska)", source: "Källa",
      sourceN: "Källa [{n}]", sourceChip: "Källa {n}", closeSource: "Stäng källan", you: "Du: ",
      assistant: "Assistenten: ", answer: "Svar", searching: "Söker i policydokumenten…", warnings: "Varningar",
      helpful: "Till hjälp", notHelpful: "Inte till hjälp", sendFeedback: "Skicka synpunkter", feedback: "Synpunkter",
      comment: "Kommentar (frivillig)", feedbackGroup: "Synpunkter på svaret", wasHelpful: "Var svaret till hjälp?",
      sending: "Skickar…", thanks: "Tack för dina synpunkter!", feedbackFailed: "Synpunkterna kunde inte skickas: {error}",
      unreachable: "Assistenten gick inte att nå. Kontrollera anslutningen och försök igen.",
      incomplete: "Svaret kunde inte slutföras.", cutOff: "Svaret bröts innan det var klart.",
      noAnswer: "Anslutningen stängdes innan något svar kom.", document: "Dokument",
      municipality: "Kommun", section: "Avsnitt", status: "Status", quote: "Citat", pageN: "Sida {n}",
      openInDocument: "Öppna i dokumentet", openOriginal: "Originalet på webbplatsen", documentsLabel: "Policydokument", loadingDocuments: "Hämtar dokument…",
      noDocuments: "Inga dokument är indexerade.", documentsFailed: "Dokumenten kunde inte hämtas.",
      aDocument: "dokument", validUntil: "gäller till {date}", revisionDue: "revideras senast {date}",
      notAuthorised: "Ingen behörighet ({status})", signIn: "Logga in", serverAnswered: "Servern svarade {status}.",
      current: "gällande", due_for_revision: "ska revideras", expired: "har upphört att gälla", unknown: "okänd",
    },
  };
  const SVG_NS = "http://www.w3.org/2000/svg";
  // Material Design "thumb_up" (Apache 2.0); the thumb down is the same path turned over.
  const THUMB_PATH = "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06"
    + "L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05"
    + "c.09-.23.14-.47.14-.73v-2z";

  const CSS = `
:host { display: block; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1f24; max-width: 44rem; min-width: 0; }
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
.card { border: 1px solid #c9ced6; border-radius: 10px; background: #fff; overflow: hidden;
  display: flex; flex-direction: column; min-width: 0; }
.bar { display: flex; align-items: center; justify-content: space-between; gap: .5rem; flex-wrap: wrap;
  padding: .5rem .75rem; background: #f3f5f8; border-bottom: 1px solid #dde1e7; }
.title { font-weight: 600; margin: 0; font-size: 1rem; }
button { font: inherit; cursor: pointer; border-radius: 6px; }
button:focus-visible, input:focus-visible, textarea:focus-visible, dialog:focus-visible {
  outline: 3px solid #1a5fb4; outline-offset: 2px; }
.secondary { background: #fff; color: #1b1f24; border: 1px solid #8a94a3; padding: .3rem .7rem; }
.secondary:hover { background: #eef1f5; }
.primary { background: #1a5fb4; color: #fff; border: 1px solid #1a5fb4; padding: .45rem 1rem; font-weight: 600; }
.primary:hover { background: #154d92; }
.primary[aria-disabled="true"] { background: #7f9cc4; border-color: #7f9cc4; cursor: progress; }
.log { position: relative; padding: .75rem; min-height: 6rem; max-height: 60vh; overflow-y: auto; overflow-x: hidden;
  display: flex; flex-direction: column; gap: .75rem; }
.log:empty { padding: 0; min-height: 0; }
.msg { max-width: 100%; min-width: 0; overflow-wrap: anywhere; }
.user { align-self: flex-end; background: #e7effa; border-radius: 12px 12px 2px 12px; padding: .45rem .75rem;
  max-width: 85%; white-space: pre-wrap; }
.bot { align-self: stretch; border-left: 3px solid #1a5fb4; padding: .1rem 0 .1rem .65rem; }
.answer { white-space: pre-wrap; }
.answer.pending { color: #5b6573; font-style: italic; }
.abstained .answer { color: #3d4652; }
.warnings { margin: .35rem 0 0; padding: 0; list-style: none; font-size: .85rem; color: #6b4f00; }
.error { color: #a51d2d; background: #fdecee; border: 1px solid #f3b6bd; border-radius: 6px; padding: .4rem .6rem; }
.chip { display: inline-block; min-width: 1.6em; padding: 0 .35em; margin: 0 .1em; font-size: .78rem;
  line-height: 1.5; vertical-align: .12em; font-weight: 600; color: #1a5fb4; background: #e7effa;
  border: 1px solid #9dbbe3; border-radius: 999px; text-align: center; }
.chip:hover { background: #d3e2f6; }
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.feedback { display: flex; flex-wrap: wrap; align-items: center; gap: .35rem .5rem; margin-top: .4rem;
  font-size: .85rem; color: #4b5563; }
.thumb { display: inline-flex; align-items: center; justify-content: center; width: 2.2rem; height: 2rem;
  padding: 0; background: #fff; border: 1px solid #aab2bd; color: #4b5563; }
.thumb svg { width: 1.05rem; height: 1.05rem; fill: currentColor; }
.thumb.down svg { transform: rotate(180deg); }
.thumb[aria-pressed="true"] { background: #1a5fb4; border-color: #1a5fb4; color: #fff; }
.thumb:disabled { cursor: default; opacity: .75; }
.feedback form { flex-basis: 100%; display: flex; flex-direction: column; gap: .3rem; }
.feedback form[hidden] { display: none; }
.feedback textarea { font: inherit; width: 100%; min-width: 0; padding: .35rem .5rem; border: 1px solid #8a94a3;
  border-radius: 6px; resize: vertical; }
.feedback form .actions { display: flex; gap: .5rem; flex-wrap: wrap; }
.thanks { color: #26734d; font-weight: 600; }
.feedback-status:empty { display: none; }
.starters { padding: .75rem; border-top: 1px solid #eef0f3; }
.starters[hidden] { display: none; }
.starters p { margin: 0 0 .4rem; font-size: .9rem; color: #4b5563; }
.starters ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.starter { background: #fff; border: 1px solid #9dbbe3; color: #154d92; padding: .3rem .65rem;
  border-radius: 999px; text-align: left; max-width: 100%; overflow-wrap: anywhere; }
.starter:hover { background: #e7effa; }
form.ask { padding: .6rem .75rem .75rem; border-top: 1px solid #dde1e7; background: #fafbfc; }
form.ask label { display: block; font-size: .85rem; color: #3d4652; margin-bottom: .25rem; }
.row { display: flex; gap: .5rem; min-width: 0; }
.row input { flex: 1 1 auto; min-width: 0; font: inherit; padding: .45rem .6rem; border: 1px solid #8a94a3;
  border-radius: 6px; }
dialog { width: min(34rem, calc(100vw - 1.5rem)); max-width: calc(100vw - 1.5rem); max-height: 85vh;
  border: 1px solid #8a94a3; border-radius: 10px; padding: 0; color: #1b1f24; overflow: auto; }
dialog::backdrop { background: rgba(15, 23, 42, .35); }
.panel-head { display: flex; align-items: center; justify-content: space-between; gap: .5rem;
  padding: .55rem .75rem; background: #f3f5f8; border-bottom: 1px solid #dde1e7; position: sticky; top: 0; }
.panel-head h2 { margin: 0; font-size: 1rem; }
.close { background: #fff; border: 1px solid #8a94a3; width: 2rem; height: 2rem; padding: 0; font-size: 1.2rem;
  line-height: 1; }
.panel-body { padding: .6rem .75rem .8rem; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem .75rem; margin: 0 0 .6rem;
  font-size: .9rem; }
dt { color: #5b6573; }
dd { margin: 0; min-width: 0; }
blockquote { margin: 0; padding: .5rem .7rem; border-left: 4px solid #9dbbe3; background: #f6f8fb;
  white-space: pre-wrap; }
blockquote .context { color: #4a5361; }
blockquote mark { background: #ffe27a; color: inherit; padding: 0 .1em; }
p.page { margin: .35rem 0 0; font-size: .85rem; color: #4a5361; }
a.open-document { display: inline-block; margin-top: .6rem; color: #0b57d0; font-weight: 600; }
a.open-document:not(:last-child) { margin-right: 1rem; }
a.open-document:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.badge { display: inline-block; padding: 0 .5em; border-radius: 999px; font-size: .78rem; font-weight: 600;
  border: 1px solid transparent; white-space: nowrap; }
.badge.current { background: #e3f4ea; color: #1e6b43; border-color: #a6d9bb; }
.badge.due_for_revision { background: #fff4d6; color: #7a5600; border-color: #f0d27a; }
.badge.expired { background: #fdecee; color: #a51d2d; border-color: #f3b6bd; }
.badge.unknown { background: #eef0f3; color: #4b5563; border-color: #d3d8df; }
.dates { display: inline-block; font-size: .82rem; color: #5b6573; }
ul.documents { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
ul.documents li { border: 1px solid #dde1e7; border-radius: 8px; padding: .5rem .7rem; background: #fff;
  overflow-wrap: anywhere; min-width: 0; }
.doc-title { font-weight: 600; }
.doc-meta { font-size: .85rem; color: #4b5563; display: flex; flex-wrap: wrap; gap: .25rem .6rem;
  align-items: center; margin-top: .15rem; }
`;

  // --- helpers -------------------------------------------------------------------------------

  let sharedSheet = null;

  /** Attach the widget's CSS to a shadow root (a constructed stylesheet where supported). */
  function adoptStyles(root) {
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function"
        && "replaceSync" in CSSStyleSheet.prototype) {
      if (!sharedSheet) {
        sharedSheet = new CSSStyleSheet();
        sharedSheet.replaceSync(CSS);
      }
      root.adoptedStyleSheets = [sharedSheet];
    } else {
      const style = document.createElement("style");
      style.textContent = CSS;
      root.append(style);
    }
  }

  /**
   * Build an element. `attrs` are set with setAttribute (`hidden`/`disabled` as booleans);
   * string children become text nodes, so no markup is ever parsed.
   */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function thumbIcon() {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", THUMB_PATH);
    svg.append(path);
    return svg;
  }

  /** "sv" when the element or its page is in Swedish (`lang="sv"`, `sv-SE`), else "en". */
  function languageOf(host) {
    const tagged = host.closest("[lang]");
    const lang = (host.getAttribute("lang") || (tagged && tagged.getAttribute("lang"))
      || document.documentElement.getAttribute("lang") || "").toLowerCase();
    return lang.startsWith("sv") ? "sv" : "en";
  }

  /** The label `key` in the host's language, `{name}` placeholders filled from `values`. */
  function t(host, key, values) {
    const template = (TEXTS[languageOf(host)] || TEXTS.en)[key] || TEXTS.en[key] || key;
    return template.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? String(values[name]) : ""));
  }

  /** The API's base URL: the `api-base` attribute without trailing slashes, else the page's origin. */
  function apiBaseOf(host) {
    const raw = (host.getAttribute("api-base") || "").trim();
    return (raw || window.location.origin).replace(/\/+$/, "");
  }

  /** Request headers, with `Authorization: Bearer <api-key>` when the element has an api-key (a key
   * or a short-lived widget token); without one, a signed-in page's session is used and its CSRF
   * token (the readable `pa_csrf` cookie) goes with every request. */
  function headersOf(host, extra) {
    const headers = Object.assign({ Accept: "application/json" }, extra || {});
    const key = (host.getAttribute("api-key") || "").trim();
    if (key) {
      headers.Authorization = `Bearer ${key}`;
    } else {
      const csrf = document.cookie.split("; ").find((part) => part.startsWith("pa_csrf="));
      if (csrf) headers["X-CSRF-Token"] = decodeURIComponent(csrf.slice("pa_csrf=".length));
    }
    return headers;
  }

  /** Where a person signs in when the service wants a key and the element has none: the service's
   * own sign-in page, coming back here after. `null` when the service is on another origin (a page
   * embedding it there hands the widget a token instead). */
  function signInHref(host) {
    if ((host.getAttribute("api-key") || "").trim()) return null;
    const base = apiBaseOf(host);
    if (base !== window.location.origin) return null;
    return `${base}/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
  }

  /** The error to show for a failed response: its message and, for a 401, where to sign in. */
  async function failure(host, response) {
    return new DisplayError(await describeFailure(host, response), response.status === 401 ? signInHref(host) : null);
  }

  /** A sign-in link after `node`'s message, when there is somewhere to sign in. */
  function appendSignIn(host, node, href) {
    if (href) node.append(" ", el("a", { class: "sign-in", href }, t(host, "signIn")));
  }

  /** A readable message for a failed response: its JSON `detail` when there is one. */
  async function describeFailure(host, response) {
    let detail = "";
    try {
      const body = await response.json();
      if (typeof body.detail === "string") {
        detail = body.detail;
      } else if (Array.isArray(body.detail)) {
        detail = body.detail.map((item) => (item && item.msg) || String(item)).join("; ");
      } else if (body.detail) {
        detail = JSON.stringify(body.detail);
      }
    } catch (_ignored) {
      detail = "";
    }
    const status = `${response.status}${response.statusText ? " " + response.statusText : ""}`;
    if (response.status === 401 || response.status === 403) {
      return `${t(host, "notAuthorised", { status })}${detail ? ": " + detail : ""}.`;
    }
    return detail ? `${detail} (${status})` : t(host, "serverAnswered", { status });
  }

  class DisplayError extends Error {
    constructor(message, signIn = null) {
      super(message);
      this.signIn = signIn; // where to sign in, for a 401 the person can do something about
    }
  }

  /** Splits a Server-Sent Events byte stream, fed as decoded text, into {event, data} frames. */
  class SseParser {
    constructor() {
      this.buffer = "";
    }

    /** Feed text; returns the frames completed by it. */
    push(text) {
      this.buffer += text;
      const frames = [];
      let match;
      const boundary = /\r\n\r\n|\n\n|\r\r/;
      while ((match = boundary.exec(this.buffer)) !== null) {
        const block = this.buffer.slice(0, match.index);
        this.buffer = this.buffer.slice(match.index + match[0].length);
        const frame = SseParser.parse(block);
        if (frame) frames.push(frame);
      }
      return frames;
    }

    /** The frame left in the buffer when the stream ends without a blank line. */
    flush() {
      const frame = SseParser.parse(this.buffer);
      this.buffer = "";
      return frame ? [frame] : [];
    }

    static parse(block) {
      let event = "message";
      const data = [];
      for (const line of block.split(/\r\n|\n|\r/)) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      return data.length ? { event, data: data.join("\n") } : null;
    }
  }

  /** Documents by id, fetched once per API base and key (the status shown in the source panel). */
  const documentCache = new Map();

  function fetchDocuments(host, { fresh = false } = {}) {
    const base = apiBaseOf(host);
    const cacheKey = `${base}\u0000${host.getAttribute("api-key") || ""}`;
    if (fresh || !documentCache.has(cacheKey)) {
      const request = fetch(`${base}/v1/documents`, { headers: headersOf(host) })
        .then(async (response) => {
          if (!response.ok) throw await failure(host, response);
          const body = await response.json();
          return Array.isArray(body.documents) ? body.documents : [];
        });
      request.catch(() => documentCache.delete(cacheKey)); // a failure is retried next time
      documentCache.set(cacheKey, request);
    }
    return documentCache.get(cacheKey);
  }

  function statusBadge(host, status) {
    const known = STATUSES.includes(status) ? status : "unknown";
    return el("span", { class: `badge ${known}`, "data-status": known }, t(host, known));
  }

  function documentDates(host, doc) {
    const parts = [];
    if (doc.valid_until) parts.push(t(host, "validUntil", { date: doc.valid_until }));
    if (doc.revision_date) parts.push(t(host, "revisionDue", { date: doc.revision_date }));
    return parts.join(" · ");
  }

  // --- <policy-assistant> --------------------------------------------------------------------

  let instanceCount = 0;

  /** One answer in the log: its streamed text, citation chips, warnings and feedback controls. */
  class AnswerView {
    constructor(widget, question) {
      this.widget = widget;
      this.question = question;
      this.text = "";
      this.citations = [];
      this.final = null;
      this.textNode = el("div", { class: "answer pending" }, t(widget, "searching"));
      this.node = el("article", { class: "msg bot", "aria-label": t(widget, "answer"), "aria-busy": "true" },
        el("span", { class: "sr" }, t(widget, "assistant")), this.textNode);
      this.deltas = 0;
    }

    /** Append streamed text as it arrives (plain text; chips come with the citations). */
    appendDelta(text) {
      if (typeof text !== "string" || !text) return;
      if (this.deltas === 0) {
        this.textNode.classList.remove("pending");
        this.textNode.replaceChildren();
      }
      this.deltas += 1;
      this.text += text;
      this.textNode.append(document.createTextNode(text));
      this.node.dataset.deltas = String(this.deltas);
    }

    /** Citations arrived: turn `[n]` markers into chips. */
    setCitations(citations) {
      this.citations = Array.isArray(citations) ? citations : [];
      this.render();
    }

    /** The stream finished: show the final text (authoritative), warnings and feedback. */
    finish(done) {
      this.final = done;
      if (typeof done.answer === "string") this.text = done.answer;
      this.textNode.classList.remove("pending");
      if (done.language === "sv" || done.language === "en") this.node.setAttribute("lang", done.language);
      if (done.abstained) this.node.classList.add("abstained");
      this.render();
      const warnings = Array.isArray(done.warnings) ? done.warnings.filter((w) => typeof w === "string") : [];
      if (warnings.length) {
        this.node.append(el("ul", { class: "warnings", "aria-label": t(this.widget, "warnings") },
          ...warnings.map((warning) => el("li", {}, warning))));
      }
      this.node.append(this.feedbackControls());
      this.node.removeAttribute("aria-busy");
      this.node.dataset.state = "done";
    }

    fail(message, signIn = null) {
      this.textNode.classList.remove("pending");
      if (!this.text) this.textNode.replaceChildren();
      const error = el("p", { class: "error", role: "alert" }, message);
      appendSignIn(this.widget, error, signIn);
      this.node.append(error);
      this.node.removeAttribute("aria-busy");
      this.node.dataset.state = "error";
    }

    /** Render the text with a chip for each `[n]` that names a citation; other text stays text. */
    render() {
      const byNumber = new Map(this.citations.map((citation) => [Number(citation.n), citation]));
      const pieces = [];
      const marker = /\[(\d+)\]/g;
      let last = 0;
      let match;
      while ((match = marker.exec(this.text)) !== null) {
        const citation = byNumber.get(Number(match[1]));
        if (!citation) continue;
        if (match.index > last) pieces.push(document.createTextNode(this.text.slice(last, match.index)));
        pieces.push(this.chip(citation));
        last = match.index + match[0].length;
      }
      if (last < this.text.length) pieces.push(document.createTextNode(this.text.slice(last)));
      this.textNode.replaceChildren(...pieces);
    }

    chip(citation) {
      const where = [citation.title, citation.municipality].filter(Boolean).join(", ");
      const button = el("button", {
        type: "button", class: "chip", "aria-haspopup": "dialog",
        "aria-label": `${t(this.widget, "sourceChip", { n: citation.n })}${where ? ": " + where : ""}`,
        title: where || t(this.widget, "sourceChip", { n: citation.n }), "data-n": citation.n,
      }, String(citation.n));
      button.addEventListener("click", () => this.widget.openCitation(citation, button));
      return button;
    }

    feedbackControls() {
      const w = this.widget;
      const id = `${w.uid}-fb-${w.nextId()}`;
      const up = el("button", { type: "button", class: "thumb up", "aria-pressed": "false",
        "aria-label": t(w, "helpful"), title: t(w, "helpful") }, thumbIcon());
      const down = el("button", { type: "button", class: "thumb down", "aria-pressed": "false",
        "aria-label": t(w, "notHelpful"), title: t(w, "notHelpful") }, thumbIcon());
      const comment = el("textarea", { id: `${id}-comment`, rows: "2", maxlength: "2000" });
      const send = el("button", { type: "submit", class: "primary" }, t(w, "sendFeedback"));
      const form = el("form", { hidden: true, "aria-label": t(w, "feedback") },
        el("label", { for: `${id}-comment` }, t(w, "comment")), comment,
        el("div", { class: "actions" }, send));
      const status = el("p", { class: "feedback-status", role: "status" });
      const group = el("div", { class: "feedback", role: "group", "aria-label": t(w, "feedbackGroup") },
        el("span", {}, t(w, "wasHelpful")), up, down, form, status);
      let rating = null;
      const choose = (value) => {
        rating = value;
        up.setAttribute("aria-pressed", String(value === "up"));
        down.setAttribute("aria-pressed", String(value === "down"));
        form.hidden = false;
        comment.focus();
      };
      up.addEventListener("click", () => choose("up"));
      down.addEventListener("click", () => choose("down"));
      comment.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (!rating || send.disabled) return;
        send.disabled = true;
        status.className = "feedback-status";
        status.textContent = t(w, "sending");
        try {
          await this.widget.sendFeedback({
            question: this.question, answer: this.text, rating,
            comment: comment.value.trim() || null, citations: this.citations,
          });
          form.remove();
          up.disabled = true;
          down.disabled = true;
          status.className = "feedback-status thanks";
          status.textContent = t(w, "thanks");
          status.setAttribute("tabindex", "-1");
          status.focus();
        } catch (error) {
          send.disabled = false;
          status.className = "feedback-status error";
          status.textContent = t(w, "feedbackFailed", { error: error.message || error });
        }
      });
      return group;
    }
  }

  class PolicyAssistantElement extends HTMLElement {
    constructor() {
      super();
      instanceCount += 1;
      this.uid = `pa${instanceCount}`;
      this.counter = 0;
      /** Completed turns, oldest first: {role: "user"|"assistant", content}. */
      this.conversation = [];
      this.controller = null;
      this.busy = false;
      this.lastChip = null;
      this.currentTurn = null;
      this.build();
    }

    nextId() {
      this.counter += 1;
      return this.counter;
    }

    build() {
      const root = this.attachShadow({ mode: "open" });
      adoptStyles(root);
      const titleId = `${this.uid}-title`;
      const inputId = `${this.uid}-question`;
      const panelTitleId = `${this.uid}-panel-title`;

      this.newButton = el("button", { type: "button", class: "secondary new" }, t(this, "newConversation"));
      this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-labelledby": titleId });
      this.starters = el("div", { class: "starters", role: "group", "aria-label": t(this, "suggested") },
        el("p", {}, t(this, "startersIntro")),
        el("ul", {}, ...STARTER_QUESTIONS.map((question) => {
          const button = el("button", { type: "button", class: "starter" }, question);
          button.addEventListener("click", () => this.ask(question));
          return el("li", {}, button);
        })));
      this.input = el("input", { id: inputId, type: "text", name: "question", autocomplete: "off",
        maxlength: String(MAX_QUESTION_CHARS), enterkeyhint: "send", placeholder: t(this, "placeholder") });
      this.sendButton = el("button", { type: "submit", class: "primary send" }, t(this, "send"));
      this.form = el("form", { class: "ask" },
        el("label", { for: inputId }, t(this, "questionLabel")),
        el("div", { class: "row" }, this.input, this.sendButton));

      this.panelTitle = el("h2", { id: panelTitleId }, t(this, "source"));
      this.panelClose = el("button", { type: "button", class: "close", "aria-label": t(this, "closeSource") }, "×");
      this.panelBody = el("div", { class: "panel-body" });
      this.panel = el("dialog", { class: "panel", "aria-labelledby": panelTitleId },
        el("div", { class: "panel-head" }, this.panelTitle, this.panelClose), this.panelBody);

      root.append(el("section", { class: "card", "aria-labelledby": titleId },
        el("div", { class: "bar" }, el("h2", { class: "title", id: titleId }, t(this, "title")), this.newButton),
        this.log, this.starters, this.form, this.panel));

      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.ask(this.input.value);
      });
      this.newButton.addEventListener("click", () => this.reset());
      this.panelClose.addEventListener("click", () => this.panel.close());
      this.panel.addEventListener("close", () => {
        const chip = this.lastChip;
        this.lastChip = null;
        if (chip && chip.isConnected) chip.focus();
      });
      this.panel.addEventListener("click", (event) => {
        if (event.target === this.panel) this.panel.close(); // a click on the backdrop
      });
    }

    disconnectedCallback() {
      if (this.controller) this.controller.abort();
    }

    /** Clear the conversation (aborting an answer in progress) and show the starter questions. */
    reset() {
      if (this.controller) this.controller.abort();
      this.controller = null;
      this.busy = false;
      this.sendButton.removeAttribute("aria-disabled");
      this.log.removeAttribute("aria-busy");
      if (this.panel.open) this.panel.close();
      this.conversation = [];
      this.currentTurn = null;
      this.log.replaceChildren();
      this.starters.hidden = false;
      this.input.value = "";
      this.input.focus();
    }

    /** Scroll the log so that the current question stays in view while its answer grows. */
    scrollToTurn() {
      const turn = this.currentTurn;
      this.log.scrollTop = turn && turn.isConnected ? Math.max(0, turn.offsetTop - 8) : this.log.scrollHeight;
    }

    /** Ask `question`, streaming the answer into the log; earlier turns go along as history. */
    async ask(question) {
      const text = String(question || "").trim();
      if (this.busy) return;
      if (!text) {
        this.input.focus();
        return;
      }
      this.busy = true;
      this.sendButton.setAttribute("aria-disabled", "true");
      this.starters.hidden = true;
      this.input.value = "";
      const active = this.shadowRoot.activeElement;
      if (active && active.classList.contains("starter")) this.input.focus(); // its button is now hidden

      this.currentTurn = el("div", { class: "msg user" }, el("span", { class: "sr" }, t(this, "you")), text);
      this.log.append(this.currentTurn);
      const view = new AnswerView(this, text);
      this.log.append(view.node);
      this.log.setAttribute("aria-busy", "true");
      this.scrollToTurn();

      const history = this.conversation.slice(-HISTORY_TURNS);
      const controller = new AbortController();
      this.controller = controller;
      try {
        const response = await fetch(`${apiBaseOf(this)}/v1/ask/stream`, {
          method: "POST",
          headers: headersOf(this, { "Content-Type": "application/json", Accept: "text/event-stream" }),
          body: JSON.stringify({ question: text, history }),
          signal: controller.signal,
        });
        if (!response.ok) throw await failure(this, response);
        const done = await this.readStream(response, view);
        view.finish(done);
        this.conversation.push({ role: "user", content: text }, { role: "assistant", content: view.text });
        this.conversation = this.conversation.slice(-HISTORY_TURNS);
      } catch (error) {
        if (controller.signal.aborted) return;
        const message = error instanceof DisplayError ? error.message
          : t(this, "unreachable");
        view.fail(message, error instanceof DisplayError ? error.signIn : null);
      } finally {
        if (this.controller === controller) {
          this.controller = null;
          this.busy = false;
          this.sendButton.removeAttribute("aria-disabled");
          this.log.removeAttribute("aria-busy");
          this.scrollToTurn();
        }
      }
    }

    /** Read the SSE body: deltas into `view`, citations, then `done` (returned) or `error` (thrown). */
    async readStream(response, view) {
      const parser = new SseParser();
      const decoder = new TextDecoder();
      let done = null;
      const handle = (frame) => {
        let data;
        try {
          data = JSON.parse(frame.data);
        } catch (_ignored) {
          return;
        }
        if (frame.event === "delta") {
          view.appendDelta(data && data.text);
          this.scrollToTurn();
        } else if (frame.event === "citations") {
          view.setCitations(data);
        } else if (frame.event === "done") {
          done = data || {};
        } else if (frame.event === "error") {
          throw new DisplayError((data && data.message) || t(this, "incomplete"));
        }
      };
      if (!response.body || !response.body.getReader) {
        const frames = new SseParser().push(await response.text() + "\n\n");
        frames.forEach(handle);
      } else {
        const reader = response.body.getReader();
        for (;;) {
          const { value, done: finished } = await reader.read();
          if (finished) break;
          parser.push(decoder.decode(value, { stream: true })).forEach(handle);
        }
        parser.push(decoder.decode()).forEach(handle);
        parser.flush().forEach(handle);
      }
      if (!done) {
        throw new DisplayError(view.text ? t(this, "cutOff") : t(this, "noAnswer"));
      }
      return done;
    }

    /** Open the source panel for one citation; focus goes into it and back to the chip on close. */
    async openCitation(citation, chip) {
      let doc = null;
      const find = (documents) => documents.find((item) => item && item.id === citation.document_id) || null;
      try {
        doc = find(await fetchDocuments(this));
        if (!doc && citation.municipality) doc = find(await fetchDocuments(this, { fresh: true })); // added since
      } catch (_ignored) {
        doc = null; // the panel still shows the quote, without a status
      }
      this.lastChip = chip;
      this.panelTitle.textContent = t(this, "sourceN", { n: citation.n });
      const rows = [
        ["document", citation.title || (doc && doc.title) || citation.document_id],
        ["municipality", citation.municipality || (doc && doc.municipality) || "—"],
        ["section", citation.section || "—"],
      ];
      const list = el("dl", {});
      for (const [field, value] of rows) {
        list.append(el("dt", {}, t(this, field)), el("dd", { "data-field": field }, String(value)));
      }
      const dates = doc ? documentDates(this, doc) : "";
      list.append(el("dt", {}, t(this, "status")), el("dd", { "data-field": "status" },
        doc ? statusBadge(this, doc.status) : "—", dates ? " " : null,
        dates ? el("span", { class: "dates" }, dates) : null));
      // The quote in its sentence or table row: what comes before and after it is shown around it.
      const quote = el("blockquote", { "aria-label": t(this, "quote") },
        citation.before ? el("span", { class: "context" }, String(citation.before)) : null,
        el("mark", {}, String(citation.quote || "")),
        citation.after ? el("span", { class: "context" }, String(citation.after)) : null);
      const body = [list, quote];
      // The page of the source the quote starts on (paged formats: PDF).
      if (Number.isInteger(citation.page) && citation.page > 0) {
        body.push(el("p", { class: "page", "data-field": "page" }, t(this, "pageN", { n: citation.page })));
      }
      if (typeof citation.url === "string" && citation.url.startsWith("/")) {
        body.push(this.documentLink(citation));
      }
      // A document synced from a website links to its original there too.
      if (typeof citation.source_url === "string" && /^https?:\/\//i.test(citation.source_url)) {
        body.push(el("a", { class: "open-document original", href: citation.source_url, target: "_blank",
          rel: "noopener noreferrer" }, t(this, "openOriginal")));
      }
      this.panelBody.replaceChildren(...body);
      if (!this.panel.open) this.panel.showModal();
      this.panelClose.focus();
    }

    /** "Open in document": the viewer page with the quote marked, in a new tab. With an api-key the
     * page is fetched with it (a link cannot carry the header) and opened from a blob. */
    documentLink(citation) {
      const href = `${apiBaseOf(this)}${citation.url}#cited`;
      const link = el("a", { class: "open-document", href, target: "_blank", rel: "noopener" },
        t(this, "openInDocument"));
      link.addEventListener("click", async (event) => {
        if (!(this.getAttribute("api-key") || "").trim()) return;
        event.preventDefault();
        const opened = window.open("", "_blank");
        try {
          const response = await fetch(href.split("#")[0], { headers: headersOf(this, { Accept: "text/html" }) });
          if (!response.ok) throw await failure(this, response);
          const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/html" }));
          if (opened) opened.location.href = `${url}#cited`;
        } catch (_ignored) {
          if (opened) opened.close();
        }
      });
      return link;
    }

    async sendFeedback(payload) {
      const response = await fetch(`${apiBaseOf(this)}/v1/feedback`, {
        method: "POST",
        headers: headersOf(this, { "Content-Type": "application/json" }),
        body: JSON.stringify(payload),
      });
      if (!response.ok) throw await failure(this, response);
      return response.json();
    }
  }

  // --- <policy-documents> --------------------------------------------------------------------

  class PolicyDocumentsElement extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      adoptStyles(root);
      this.list = el("ul", { class: "documents", "aria-label": t(this, "documentsLabel") });
      this.status = el("p", { role: "status" }, t(this, "loadingDocuments"));
      root.append(this.status, this.list);
    }

    connectedCallback() {
      this.load();
    }

    /** Fetch /v1/documents and list title, municipality, type and status, all as text. */
    async load() {
      try {
        const documents = await fetchDocuments(this);
        this.list.replaceChildren(...documents.map((doc) => el("li", { "data-document-id": doc.id },
          el("div", { class: "doc-title" }, String(doc.title || doc.id)),
          el("div", { class: "doc-meta" },
            el("span", { class: "municipality" }, String(doc.municipality || "—")),
            el("span", { class: "type" }, String(doc.document_type || t(this, "aDocument"))),
            statusBadge(this, doc.status),
            documentDates(this, doc) ? el("span", { class: "dates" }, documentDates(this, doc)) : null))));
        this.status.textContent = documents.length ? "" : t(this, "noDocuments");
        this.status.hidden = documents.length > 0;
      } catch (error) {
        this.status.className = "error";
        this.status.textContent = error instanceof DisplayError ? error.message
          : t(this, "documentsFailed");
        if (error instanceof DisplayError) appendSignIn(this, this.status, error.signIn);
      }
    }
  }

  if (!customElements.get("policy-assistant")) customElements.define("policy-assistant", PolicyAssistantElement);
  if (!customElements.get("policy-documents")) customElements.define("policy-documents", PolicyDocumentsElement);
})();
