/* Draws web/assets/card.js's CustomMessage in Node, without a browser, for test_card_js.py.
 *
 * stdin: a JSON list of the props rasa-webchat would pass ({"custom": payload}).
 * stdout: {"renderer": ..., "results": [{"markup": ...} or {"error": ...}]}, one per props, all
 * drawn in this one process, as one widget draws every message of a conversation.
 *
 * Rendered with react-dom/server from web/node_modules (the React rasa-webchat bundles) when it is
 * installed; otherwise with a stub that is as strict as React about what a child may be.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
global.window = { console: { warn() {} } };  // the fallback's warning is expected here
require(path.join(root, "web", "assets", "card.js"));
const { CustomMessage } = global.window.ThresholdsCard;

const REACT_ELEMENT = Symbol.for("react.element");
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function stubRender(node) {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return escape(node);
  if (Array.isArray(node)) return node.map(stubRender).join("");
  if (node.$$typeof !== REACT_ELEMENT || typeof node.type !== "string") {
    throw new Error("Objects are not valid as a React child");  // React's own refusal
  }
  const { children, dangerouslySetInnerHTML, ...props } = node.props;
  if (dangerouslySetInnerHTML) throw new Error("dangerouslySetInnerHTML used");
  const attrs = Object.entries(props).map(([k, v]) => ` ${k === "className" ? "class" : k}="${escape(v)}"`).join("");
  return `<${node.type}${attrs}>${stubRender(children)}</${node.type}>`;
}

function renderer() {
  try {
    const modules = path.join(root, "web", "node_modules");
    const React = require(path.join(modules, "react"));
    const server = require(path.join(modules, "react-dom", "server"));
    return ["react-dom/server", (props) => server.renderToStaticMarkup(React.createElement(CustomMessage, props))];
  } catch (missing) {
    return ["stub", (props) => stubRender(CustomMessage(props))];
  }
}

const [name, render] = renderer();
const results = JSON.parse(fs.readFileSync(0, "utf8")).map((props) => {
  try {
    return { markup: render(props) };
  } catch (error) {
    return { error: String(error && error.stack || error) };
  }
});
process.stdout.write(JSON.stringify({ renderer: name, results }));
