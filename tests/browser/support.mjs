// What the Chromium tests share: the browser and its flags.
export { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";
