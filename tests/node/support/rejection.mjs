import assert from "node:assert/strict";

/** The rejection of `promise`, asserted to be an Error (a resolved promise fails the test). */
export async function rejection(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (e) {
    if (e?.code === "ERR_ASSERTION") throw e;
    assert.ok(e instanceof Error, `an Error object, got ${e}`);
    return e;
  }
}
