// The demo page's entry: loads the WebAssembly package, then wires the panels.
import init from "/pkg/web.js";
import { setupChannels } from "./channels.js";
import { setupConnect } from "./connect.js";
import { setupConnection } from "./connection.js";
import { setupPlayback } from "./playback.js";
import { setupStreams } from "./streams.js";
import { $, renderError } from "./ui.js";

async function main() {
  try {
    await init();
  } catch (error) {
    renderError($("#connection-status"), Object.assign(new Error(`Could not load the package from /pkg/ (${error.message}). Build it with \`make pkg\`.`), { name: error.name }));
    return;
  }
  setupStreams();
  setupPlayback();
  const connect = setupConnect();
  setupChannels({ onConnect: (name) => connect.choose(name) });
  await setupConnection();
  document.body.dataset.ready = "true";
}

main();
