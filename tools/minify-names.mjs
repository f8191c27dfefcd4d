// Shortens the names that link the wasm and wasm-bindgen's JS glue, in the module and in the glue
// alike. Imports: `__wbg_Number_ff192a72a0dcdf6d` becomes `a` (the long names, each with a
// 16-digit hash, appear once in the wasm and once in the JS: 3.2 KB gzip saved). Exports:
// `kinesisvideoclient___start` becomes `a` too, where the glue calls `wasm.a` (about 0.3 KB).
// `memory` keeps its name: it is what a user reads from the instance.
//
//   node tools/minify-names.mjs DIR     (DIR holds wasm-bindgen's kinesis_video_wasm.js and
//                                        kinesis_video_wasm_bg.wasm; both are rewritten)
//
// Every import name must occur exactly once in the glue, as a key of the imports object, and the
// glue's uses of exports are `wasm.NAME`, or the script stops without writing anything; `make pkg`
// then checks that the module loads and signs.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tools/minify-names.mjs DIR");
  process.exit(2);
}
const wasmPath = join(dir, "kinesis_video_wasm_bg.wasm");
const jsPath = join(dir, "kinesis_video_wasm.js");
const GLUE_MODULE = "./kinesis_video_wasm_bg.js";

const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, "utf8");

// --------------------------------------------------------------------------- wasm reading
function reader(bytes, pos) {
  const r = {
    pos,
    byte: () => bytes[r.pos++],
    u32() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[r.pos++];
        result |= (b & 0x7f) << shift;
        if ((b & 0x80) === 0) return result >>> 0;
        shift += 7;
      }
    },
    name() {
      const len = r.u32();
      const s = new TextDecoder().decode(bytes.subarray(r.pos, r.pos + len));
      r.pos += len;
      return s;
    },
    limits() {
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    },
  };
  return r;
}

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const encodeName = (s) => {
  const b = new TextEncoder().encode(s);
  return [...leb(b.length), ...b];
};

if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath} is not a wasm module`);
let pos = 8;
let importSection;
let exportSection;
while (pos < wasm.length) {
  const r = reader(wasm, pos);
  const id = r.byte();
  const size = r.u32();
  if (id === 2) importSection = { start: pos, bodyStart: r.pos, end: r.pos + size };
  if (id === 7) exportSection = { start: pos, bodyStart: r.pos, end: r.pos + size };
  pos = r.pos + size;
}
if (!importSection) throw new Error("no import section");
if (!exportSection || exportSection.start < importSection.end) throw new Error("no export section after the imports");

const r = reader(wasm, importSection.bodyStart);
const count = r.u32();
const imports = [];
for (let i = 0; i < count; i++) {
  const module = r.name();
  const field = r.name();
  const descStart = r.pos;
  const kind = r.byte();
  if (kind === 0) r.u32(); // function: type index
  else if (kind === 1) {
    r.byte(); // table: element type
    r.limits();
  } else if (kind === 2) r.limits(); // memory
  else if (kind === 3) {
    r.byte(); // global: value type
    r.byte(); // mutability
  } else if (kind === 4) {
    r.byte(); // tag: attribute
    r.u32();
  } else throw new Error(`unknown import kind ${kind}`);
  imports.push({ module, field, desc: wasm.subarray(descStart, r.pos) });
}
if (r.pos !== importSection.end) throw new Error("import section not read to its end");

const x = reader(wasm, exportSection.bodyStart);
const exportCount = x.u32();
const exports = [];
for (let i = 0; i < exportCount; i++) {
  const field = x.name();
  const descStart = x.pos;
  x.byte(); // kind
  x.u32(); // index
  exports.push({ field, desc: wasm.subarray(descStart, x.pos) });
}
if (x.pos !== exportSection.end) throw new Error("export section not read to its end");

// ------------------------------------------------------------------------------ renaming
const FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NEXT = FIRST + "0123456789";
function shortName(i) {
  let s = FIRST[i % FIRST.length];
  for (i = Math.floor(i / FIRST.length); i > 0; i = Math.floor((i - 1) / NEXT.length)) s += NEXT[(i - 1) % NEXT.length];
  return s;
}

/** `field` as a whole identifier; with `asKey`, only where a `:` follows it. */
const identifier = (field, flags, asKey = false) =>
  new RegExp(`(?<![\\w$])${field.replace(/\$/g, "\\$")}${asKey ? "(?=:)" : "(?![\\w$])"}`, flags);

const renames = new Map();
for (const imp of imports) {
  if (imp.module !== GLUE_MODULE || renames.has(imp.field)) continue;
  const name = shortName(renames.size);
  // The name must appear exactly once, as a key of the imports object.
  const uses = js.match(identifier(imp.field, "g"))?.length ?? 0;
  if (uses !== 1) throw new Error(`${imp.field} occurs ${uses} times in ${jsPath}; expected once`);
  const key = identifier(imp.field, "", true);
  if (!key.test(js)) throw new Error(`${imp.field} is not an object key in ${jsPath}`);
  js = js.replace(key, name);
  renames.set(imp.field, name);
}
if (renames.size === 0) throw new Error(`no imports from ${GLUE_MODULE}: has wasm-bindgen's output changed?`);

const exportRenames = new Map();
for (const exp of exports) {
  if (exp.field === "memory") continue;
  // Only the uses as `wasm.NAME`: a glue function exported to JS may have the same name.
  const use = new RegExp(`(?<![\\w$])wasm\\.${exp.field}(?![\\w$])`, "g");
  if (!use.test(js)) continue; // not called by the glue: left as it is
  const name = shortName(exportRenames.size);
  js = js.replace(use, `wasm.${name}`);
  exportRenames.set(exp.field, name);
}

const importBody = [...leb(imports.length)];
for (const imp of imports) {
  importBody.push(...encodeName(imp.module), ...encodeName(renames.get(imp.field) ?? imp.field), ...imp.desc);
}
const exportBody = [...leb(exports.length)];
for (const exp of exports) exportBody.push(...encodeName(exportRenames.get(exp.field) ?? exp.field), ...exp.desc);
const out = Buffer.concat([
  wasm.subarray(0, importSection.start),
  Buffer.from([2, ...leb(importBody.length), ...importBody]),
  wasm.subarray(importSection.end, exportSection.start),
  Buffer.from([7, ...leb(exportBody.length), ...exportBody]),
  wasm.subarray(exportSection.end),
]);

writeFileSync(wasmPath, out);
writeFileSync(jsPath, js);
console.log(
  `${renames.size} import and ${exportRenames.size} export names shortened (${wasm.length - out.length} bytes less wasm)`,
);
