// The README's examples: the one fenced js block right after an `<!-- example: name -->` marker.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const README = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");

/** The code of the one fenced js block right after `<!-- example: name -->` in `markdown` (README.md by default). */
export function exampleBlock(name, markdown = readFileSync(README, "utf8")) {
  const found = [...markdown.matchAll(new RegExp(`<!-- example: ${name} -->\\r?\\n\`\`\`js\\r?\\n([\\s\\S]*?)\\r?\\n\`\`\`(?:\\r?\\n|$)`, "g"))];
  assert.equal(found.length, 1, `README.md: ${found.length} fenced js blocks right after <!-- example: ${name} --> (one expected)`);
  return found[0][1];
}
