// Collects uncaught exceptions and unhandled rejections while a test file runs, so a fuzzer can
// assert there were none (by default either would end the process or go unseen).
export function collectUncaught() {
  const seen = [];
  const on = (e) => seen.push(e);
  process.on("uncaughtException", on);
  process.on("unhandledRejection", on);
  return {
    /** What was seen, as text. */
    texts: () => seen.map((e) => String(e?.stack ?? e)),
    stop() {
      process.off("uncaughtException", on);
      process.off("unhandledRejection", on);
    },
  };
}
