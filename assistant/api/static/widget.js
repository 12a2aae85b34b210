/*
 * 政策问答助手 · embeddable chat widget.
 *
 *   <script src="https://qa.example.gov.cn/widget.js" data-api-key="…" data-title="政策问答"></script>
 *
 * Adds a chat bubble to the page. Everything lives in a shadow root, so the page's CSS cannot break it and
 * its CSS cannot leak out. Questions go to POST /v1/ask on the origin this script was loaded from (the page
 * must be allowed by the server's POLICYQA_CORS_ORIGINS). Server data is only ever set with textContent.
 * No inline script or style is needed: a portal with a strict Content-Security-Policy only adds our origin
 * to script-src and connect-src.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) { return; }
  if (window.__policyQaWidget) { return; }  // loaded twice on one page: keep the first
  window.__policyQaWidget = true;

  var apiBase = new URL(script.src, window.location.href).origin;
  var apiKey = script.getAttribute("data-api-key") || "";
  var title = script.getAttribute("data-title") || "政策问答助手";
  var MAX_HISTORY = 6;
  var history = [];

  var CSS = [
    ":host { all: initial; }",
    ".pqa-root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;",
    "  font: 14px/1.6 -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; color: #1f2933; }",
    ".pqa-bubble { width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;",
    "  background: #b5121b; color: #fff; font-size: 24px; box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".pqa-bubble:focus-visible, .pqa-send:focus-visible, .pqa-close:focus-visible { outline: 3px solid #f5a623; }",
    ".pqa-panel { position: absolute; right: 0; bottom: 68px; width: 360px; max-width: calc(100vw - 40px);",
    "  height: 520px; max-height: calc(100vh - 110px); display: flex; flex-direction: column; background: #fff;",
    "  border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }",
    ".pqa-panel[hidden] { display: none; }",
    ".pqa-header { display: flex; align-items: center; justify-content: space-between; padding: 10px 14px;",
    "  background: #b5121b; color: #fff; font-weight: 600; }",
    ".pqa-close { background: none; border: none; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }",
    ".pqa-messages { flex: 1; overflow-y: auto; padding: 12px; background: #f7f7f8; }",
    ".pqa-msg { margin: 0 0 10px; padding: 8px 10px; border-radius: 8px; white-space: pre-wrap; word-break: break-word; }",
    ".pqa-user { background: #fde8e8; margin-left: 40px; }",
    ".pqa-bot { background: #fff; border: 1px solid #e4e7eb; margin-right: 20px; }",
    ".pqa-refusal { border-color: #f0b429; }",
    ".pqa-error { background: #fff4f4; border: 1px solid #e12d39; color: #a61b1b; }",
    ".pqa-pending { color: #7b8794; font-style: italic; }",
    ".pqa-citations-label { margin: 8px 0 0; font-size: 12px; font-weight: 600; color: #3e4c59; }",
    ".pqa-citations { margin: 4px 0 0; padding: 6px 0 0 18px; border-top: 1px dashed #cbd2d9; font-size: 12px; color: #3e4c59; }",
    ".pqa-citation { margin: 0 0 4px; }",
    ".pqa-citation details summary { cursor: pointer; }",
    ".pqa-clause { margin: 4px 0 0; color: #52606d; white-space: pre-wrap; }",
    ".pqa-form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e4e7eb; background: #fff; }",
    ".pqa-input { flex: 1; resize: none; height: 40px; padding: 8px; border: 1px solid #cbd2d9; border-radius: 6px; font: inherit; }",
    ".pqa-send { padding: 0 14px; border: none; border-radius: 6px; background: #b5121b; color: #fff; cursor: pointer; font: inherit; }",
    ".pqa-send[disabled] { opacity: .5; cursor: default; }"
  ].join("\n");

  // A constructed stylesheet is not inline style, so portals whose Content-Security-Policy has no
  // 'unsafe-inline' (nor our origin in style-src) still show the widget styled; a <style> element is only the
  // fallback for browsers without constructable stylesheets.
  function applyStyles(shadow) {
    if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function" &&
        typeof CSSStyleSheet.prototype.replaceSync === "function") {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
      return;
    }
    var style = document.createElement("style");
    style.textContent = CSS;
    shadow.appendChild(style);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  var host = el("div");
  host.setAttribute("data-policy-qa-widget", "");
  var root = host.attachShadow({ mode: "open" });
  applyStyles(root);

  var container = el("div", "pqa-root");
  var panel = el("div", "pqa-panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);

  var header = el("div", "pqa-header");
  header.appendChild(el("span", "pqa-title", title));
  var close = el("button", "pqa-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", "关闭");
  header.appendChild(close);

  var messages = el("div", "pqa-messages");
  messages.setAttribute("role", "log");
  messages.setAttribute("aria-live", "polite");
  messages.appendChild(el("p", "pqa-msg pqa-bot", "您好！请输入关于政策文件的问题，回答将引用原文条款。"));

  var form = el("form", "pqa-form");
  var input = el("textarea", "pqa-input");
  input.setAttribute("aria-label", "问题");
  input.placeholder = "例如：湖南省到2020年工程项目一次性验收合格率要达到多少？";
  input.maxLength = 500;
  var send = el("button", "pqa-send", "发送");
  send.type = "submit";
  form.appendChild(input);
  form.appendChild(send);

  panel.appendChild(header);
  panel.appendChild(messages);
  panel.appendChild(form);

  var bubble = el("button", "pqa-bubble", "问");
  bubble.type = "button";
  bubble.setAttribute("aria-label", "打开" + title);
  bubble.setAttribute("aria-expanded", "false");

  container.appendChild(panel);
  container.appendChild(bubble);
  root.appendChild(container);

  function toggle(open) {
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { input.focus(); }
  }

  function scrollDown() { messages.scrollTop = messages.scrollHeight; }

  function renderAnswer(target, data) {
    target.textContent = "";
    target.className = "pqa-msg pqa-bot" + (data.answerable ? "" : " pqa-refusal");
    target.appendChild(el("div", "pqa-answer", data.answer));
    var citations = Array.isArray(data.citations) ? data.citations : [];
    if (!citations.length) { return; }
    target.appendChild(el("div", "pqa-citations-label", data.answerable ? "引用条款：" : "可能相关的条款："));
    var list = el("ol", "pqa-citations");
    citations.forEach(function (c) {
      var item = el("li", "pqa-citation");
      item.value = Number(c.n) || 0;
      var details = el("details");
      details.appendChild(el("summary", "pqa-source", "《" + c.title + "》 " + c.section));
      details.appendChild(el("p", "pqa-clause", c.text));
      item.appendChild(details);
      list.appendChild(item);
    });
    target.appendChild(list);
  }

  function renderError(target, message) {
    target.className = "pqa-msg pqa-error";
    target.textContent = message;
  }

  function ask(question) {
    var pending = el("div", "pqa-msg pqa-bot pqa-pending", "正在查询…");
    messages.appendChild(pending);
    scrollDown();
    send.disabled = true;
    var headers = { "Content-Type": "application/json" };
    if (apiKey) { headers["X-API-Key"] = apiKey; }
    return fetch(apiBase + "/v1/ask", {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: headers,
      body: JSON.stringify({ question: question, history: history.slice(-MAX_HISTORY) })
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok || !data || typeof data.answer !== "string") {
          var message = data && data.error && data.error.message ? data.error.message : "服务暂时不可用，请稍后再试。";
          renderError(pending, message);
          return;
        }
        renderAnswer(pending, data);
        history.push({ role: "user", content: question }, { role: "assistant", content: data.answer });
      });
    }).catch(function () {
      renderError(pending, "无法连接到问答服务，请检查网络后重试。");
    }).then(function () {
      send.disabled = false;
      scrollDown();
    });
  }

  bubble.addEventListener("click", function () { toggle(panel.hidden); });
  close.addEventListener("click", function () { toggle(false); bubble.focus(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question || send.disabled) { return; }
    messages.appendChild(el("p", "pqa-msg pqa-user", question));
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
