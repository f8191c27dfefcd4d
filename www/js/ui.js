// Small DOM helpers shared by the page's modules: element creation, busy/error reporting, form values.

export const $ = (selector, root = document) => root.querySelector(selector);

/** Creates an element: h("button", { type: "button", onclick }, "Text", child). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  return node;
}

/** An error of the page's own input checks, named like the library's client-side ones. */
export function inputError(message) {
  const error = new Error(message);
  error.name = "ValidationError";
  return error;
}

/** The parts of a rejected call worth showing: the AWS error name first, then the message and metadata. */
export function describeError(error) {
  const name = error?.name || "Error";
  const message = error?.message || String(error);
  const meta = error?.$metadata;
  const details = [];
  if (meta?.httpStatusCode) details.push(`HTTP ${meta.httpStatusCode}`);
  if (meta?.requestId) details.push(`request id ${meta.requestId}`);
  if (meta?.attempts > 1) details.push(`${meta.attempts} attempts`);
  return { name, message, details: details.join(", ") };
}

export function renderError(target, error) {
  const { name, message, details } = describeError(error);
  target.className = "status error";
  target.setAttribute("role", "alert");
  target.replaceChildren(
    h("strong", { class: "error-name" }, name),
    ": ",
    h("span", { class: "error-message" }, message),
    ...(details ? [h("small", { class: "error-details" }, ` (${details})`)] : []),
  );
}

export function renderStatus(target, text, kind = "ok") {
  target.className = `status ${kind}`;
  target.setAttribute("role", "status");
  target.replaceChildren(text ?? "");
}

export function renderProgress(target, text) {
  target.className = "status busy";
  target.setAttribute("role", "status");
  target.replaceChildren(h("span", { class: "spinner", "aria-hidden": "true" }), " ", text);
}

/**
 * Runs `task` for a form or button: disables its controls, shows progress in `status`, then the
 * result (a string returned by the task) or the error with its AWS name. Returns the task's value.
 */
export async function run(scope, status, label, task) {
  const controls = scope ? [...scope.querySelectorAll("button, input, select, textarea")] : [];
  if (scope?.matches?.("button")) controls.push(scope);
  const enabled = controls.filter((control) => !control.disabled);
  enabled.forEach((control) => (control.disabled = true));
  scope?.setAttribute("aria-busy", "true");
  const started = performance.now();
  renderProgress(status, `${label}…`);
  const tick = setInterval(() => {
    renderProgress(status, `${label}… ${Math.round((performance.now() - started) / 1000)} s`);
  }, 1000);
  try {
    const result = await task((text) => renderProgress(status, text));
    renderStatus(status, typeof result === "string" ? result : "");
    return result;
  } catch (error) {
    renderError(status, error);
    return undefined;
  } finally {
    clearInterval(tick);
    enabled.forEach((control) => (control.disabled = false));
    scope?.removeAttribute("aria-busy");
  }
}

/** A number input's value, or undefined when empty. */
export function numberValue(input) {
  return input.value.trim() === "" ? undefined : Number(input.value);
}

/** An optional text input's value: undefined when empty. */
export function textValue(input) {
  const value = input.value.trim();
  return value === "" ? undefined : value;
}

/** "key=value" pairs, one per line or comma-separated, as an object. */
export function parseTags(text) {
  const tags = {};
  for (const part of text.split(/[\n,]/)) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    if (eq <= 0) throw inputError(`Tags: "${item}" is not key=value`);
    tags[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return Object.keys(tags).length ? tags : undefined;
}

export function formatValue(value) {
  if (value === undefined || value === null || value === "") return "—";
  if (value instanceof Date) return value.toLocaleString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A <dl> of label → value pairs. */
export function definitionList(pairs, attrs = {}) {
  return h("dl", { class: "props", ...attrs }, pairs.flatMap(([label, value, testId]) => [
    h("dt", {}, label),
    h("dd", { "data-field": testId ?? label }, formatValue(value)),
  ]));
}

export function statusBadge(status) {
  const value = status ?? "UNKNOWN";
  return h("span", { class: `badge badge-${value.toLowerCase()}`, "data-testid": "status" }, value);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Copies text to the clipboard, falling back to selecting a field for manual copy. */
export async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.select?.();
    return document.execCommand?.("copy") ?? false;
  }
}
