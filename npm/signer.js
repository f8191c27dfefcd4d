// signRequest and presignUrl. Reading each field from wasm through its own call, and copying a
// kilobyte of session token in and out, would cost more than the signature itself. So this file
// checks the field types, writes every string into wasm memory with one encodeInto and makes one
// call; the result comes back as references to strings held here (URL, header values, session
// token) plus one short text. Rust (src/js/signer.rs, "marshaled path") does all the signing and
// every content check. Whatever this path does not take (numbers as header values, an
// ArrayBuffer body, any failed check) goes to the checked exports, which sign it or throw the
// precise error.
import {
  __memory,
  __signInput,
  __signMarshaled,
  presignUrl as checkedPresignUrl,
  signRequest as checkedSignRequest,
} from "./kinesis_video_wasm.js";

// Mirrors `mod flag` in src/js/signer.rs.
const PRESIGN = 1;
const CREDENTIALS = 2;
const BODY_TEXT = 4;
const NO_METHOD = 8;
const NORMALIZE_PATH = 16;
const SIGN_BODY = 32;
const SIGN_SESSION_TOKEN = 64;
const GENERAL = 128;
const PART_REF = 0x80000000;
const TOKEN_REF = 0xffffffff;

const encoder = new TextEncoder();
// Node's encodeInto is a fast native call. Elsewhere (browsers, workerd) its binding costs about
// a microsecond per call, more than copying a request's hundred or so ASCII characters in a loop
// (measured in Chromium: 1.2 µs against 0.5 µs; in Node the loop is the slower, 0.7 against 0.35).
const NATIVE_ENCODE = typeof process === "object" && process !== null && typeof process.versions?.node === "string";
// ignoreBOM: a value may itself start with U+FEFF.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
let memory;
let u8;
let u32;
// Node: a Buffer over the same memory, for its Latin-1 decoding of ASCII results, which costs
// about half of TextDecoder's (0.19 against 0.29-0.39 µs for a signature's text).
let nodeBytes;
// The input buffer in wasm memory: Rust keeps it at `inBase` until asked for more room, so one
// view of it serves every call (a fresh subarray per call costs Chromium's encodeInto ~0.5 µs).
let inBase = 0;
let inRoom = 0;
let inView;

// The credential strings Rust holds a UTF-8 copy of (strings are immutable, so `===` suffices).
let sent = false;
let lastKey;
let lastSecret;
let lastToken;

// Header names the signer adds, returned by index (mirrors NAMES in src/js/signer.rs): string
// literals, so no text to decode and no property key to intern.
const NAMES = ["host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "authorization"];
const NAME_REF = 0xffffff00;

/** Views of wasm memory; growing the memory detaches the old ones (their length drops to 0). */
function views() {
  if (u8 === undefined || u8.byteLength === 0) {
    memory ??= __memory();
    u8 = new Uint8Array(memory.buffer);
    u32 = new Uint32Array(memory.buffer);
    if (NATIVE_ENCODE) nodeBytes = Buffer.from(memory.buffer);
    inView = undefined;
  }
}

/** A view of at least `need` bytes of input buffer, or undefined when Rust declines. */
function inputView(need) {
  if (need > inRoom) {
    const room = Math.max(need, 4096);
    const base = __signInput(room);
    if (base === 0) return;
    inBase = base;
    inRoom = room;
    inView = undefined;
  }
  views();
  inView ??= u8.subarray(inBase, inBase + inRoom);
  return inView;
}

/** Copies all-ASCII `parts` into `view` and returns the byte count, or -1 at the first other character. */
function writeAscii(parts, view) {
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i];
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c > 127) return -1;
      view[at++] = c;
    }
  }
  return at;
}

/**
 * Sets one of the headers the signer adds (`index` into NAMES) with a store of a constant name,
 * which V8 compiles to a plain property store; `object[name]` with the name varying is a
 * megamorphic keyed store, several times slower.
 */
function setAdded(headers, index, value) {
  switch (index) {
    case 0: headers.host = value; break;
    case 1: headers["x-amz-date"] = value; break;
    case 2: headers["x-amz-security-token"] = value; break;
    case 3: headers["x-amz-content-sha256"] = value; break;
    default: headers.authorization = value;
  }
}

/** Output string `i`: a reference to a string held here, or a slice of the output text. */
function pick(first, i, parts, token, text) {
  const a = u32[first + 2 * i];
  if (a === TOKEN_REF) return token;
  if (a >= NAME_REF) return NAMES[a - NAME_REF];
  if (a >= PART_REF) return parts[a - PART_REF];
  return text.slice(a, u32[first + 2 * i + 1]);
}

/**
 * The signed result, or undefined when the checked path must take the call. Exported for the
 * tests, which also sign with `general` set (Rust then skips its shortcut for the usual request)
 * and with either way of writing the input (`copyLoop`).
 */
export function marshaled(presign, request, options, general = false, copyLoop = !NATIVE_ENCODE) {
  if (typeof request !== "object" || request === null || typeof options !== "object" || options === null) return;
  const credentials = options.credentials;
  if (typeof credentials !== "object" || credentials === null) return;
  const { method, url, headers, body } = request;
  const { region, service, signingDate, expiresIn, normalizePath, signBody, signSessionToken } = options;
  let flags = (presign ? PRESIGN : 0) | (general ? GENERAL : 0);
  if (method == null && presign) flags |= NO_METHOD;
  else if (typeof method !== "string") return;
  if (typeof url !== "string" || typeof region !== "string" || typeof service !== "string") return;

  const parts = [method ?? "", url, region, service];
  const key = credentials.accessKeyId;
  const secret = credentials.secretAccessKey;
  const token = credentials.sessionToken ?? "";
  if (typeof key !== "string" || typeof secret !== "string" || typeof token !== "string") return;
  if (!sent || key !== lastKey || secret !== lastSecret || token !== lastToken) {
    flags |= CREDENTIALS;
    parts.push(key, secret, token);
  }

  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair)) return;
      const name = pair[0];
      const value = pair[1];
      if (typeof name !== "string" || typeof value !== "string") return;
      parts.push(name, value);
    }
  } else if (typeof headers === "object" && headers !== null) {
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (typeof value !== "string") return;
      parts.push(name, value);
    }
  } else if (headers != null) return;

  let bytes;
  if (typeof body === "string") {
    flags |= BODY_TEXT;
    parts.push(body);
  } else if (body instanceof Uint8Array) bytes = body;
  else if (body != null) return;

  let dateMs = NaN;
  if (signingDate != null) {
    if (!(signingDate instanceof Date)) return;
    dateMs = signingDate.getTime();
    if (!Number.isFinite(dateMs)) return;
  }
  let expires = NaN; // absent; Rust checks the range
  if (expiresIn != null) {
    if (typeof expiresIn !== "number" || Number.isNaN(expiresIn)) return;
    expires = expiresIn;
  }
  if (normalizePath == null || normalizePath === true) flags |= NORMALIZE_PATH;
  else if (normalizePath !== false) return;
  if (signBody === true) flags |= SIGN_BODY;
  else if (signBody != null && signBody !== false) return;
  if (signSessionToken == null || signSessionToken === true) flags |= SIGN_SESSION_TOKEN;
  else if (signSessionToken !== false) return;

  // Input: all parts as UTF-8, then from a multiple of 4 the UTF-16 length of each part, then
  // the body bytes.
  const n = parts.length;
  let units = 0;
  for (let i = 0; i < n; i++) units += parts[i].length;
  const bodyBytes = bytes === undefined ? 0 : bytes.length;
  // A UTF-16 unit is at most 3 UTF-8 bytes.
  const view = inputView(units * 3 + 3 + n * 4 + bodyBytes);
  if (view === undefined) return;
  let written = copyLoop ? writeAscii(parts, view) : -1;
  if (written < 0) {
    // Concatenated with +=, which V8 does faster than join("") for a few short strings.
    let text = parts[0];
    for (let i = 1; i < n; i++) text += parts[i];
    written = encoder.encodeInto(text, view).written;
  }
  const tableStart = (written + 3) & ~3;
  for (let i = 0, t = (inBase + tableStart) >>> 2; i < n; i++) u32[t + i] = parts[i].length;
  if (bytes !== undefined) view.set(bytes, tableStart + n * 4);
  if (flags & CREDENTIALS) {
    sent = true;
    lastKey = key;
    lastSecret = secret;
    lastToken = token;
  }

  const out = __signMarshaled(flags, n, written, bodyBytes, dateMs, expires);
  if (out === 0) {
    sent = false; // Rust has dropped its copy too
    return;
  }
  views();
  // The result header: text address and length, table address and entry count, whether the
  // text is ASCII; each entry a (start, end) pair of offsets into the text, or a reference.
  const h = out >>> 2;
  const textAt = u32[h];
  const textLength = u32[h + 1];
  const first = u32[h + 2] >>> 2;
  const count = u32[h + 3];
  let outText = "";
  if (textLength > 0) {
    outText = nodeBytes !== undefined && u32[h + 4] === 1
      ? nodeBytes.toString("latin1", textAt, textAt + textLength)
      : decoder.decode(u8.subarray(textAt, textAt + textLength));
  }
  if (presign) return pick(first, 0, parts, token, outText);
  const signedHeaders = {};
  for (let i = 2; i < count; i += 2) {
    const ref = u32[first + 2 * i];
    const value = pick(first, i + 1, parts, token, outText);
    if (ref >= NAME_REF && ref !== TOKEN_REF) {
      setAdded(signedHeaders, ref - NAME_REF, value);
      continue;
    }
    const name = pick(first, i, parts, token, outText);
    // A plain assignment to "__proto__" would set the prototype instead of a header.
    if (name === "__proto__") {
      Object.defineProperty(signedHeaders, name, { value, enumerable: true, writable: true, configurable: true });
    } else signedHeaders[name] = value;
  }
  return { method: pick(first, 0, parts, token, outText), url: pick(first, 1, parts, token, outText), headers: signedHeaders };
}

/** Signs `request` with an Authorization header and returns the request to send. */
export function signRequest(request, options) {
  return marshaled(false, request, options) ?? checkedSignRequest(request, options);
}

/** Presigns `request` (method defaults to GET) and returns the URL with the X-Amz-* query. */
export function presignUrl(request, options) {
  return marshaled(true, request, options) ?? checkedPresignUrl(request, options);
}
