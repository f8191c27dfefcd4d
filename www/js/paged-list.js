// A list with a name-prefix filter and NextToken pagination (streams and channels share it).
import { $, run } from "./ui.js";

/**
 * @param {object} options
 * @param {string} options.prefix id prefix of the controls: `${prefix}-filter` (form), `-prefix`,
 *   `-page-size`, `-rows` (tbody), `-first`, `-next`, `-page-info`, `-list-status`
 * @param {(args: {token?: string, pageSize: number, prefix?: string}) => Promise<{items: any[], next?: string}>} options.fetchPage
 * @param {(item: any) => HTMLElement} options.renderRow
 * @param {string} options.empty text when nothing matches
 */
export function pagedList({ prefix, fetchPage, renderRow, empty }) {
  const form = $(`#${prefix}-filter`);
  const rows = $(`#${prefix}-rows`);
  const status = $(`#${prefix}-list-status`);
  const first = $(`#${prefix}-first`);
  const next = $(`#${prefix}-next`);
  const info = $(`#${prefix}-page-info`);
  let tokens = [undefined];
  let page = 0;
  let nextToken;
  let generation = 0;

  async function load() {
    const mine = ++generation;
    const namePrefix = $(`#${prefix}-prefix`).value.trim() || undefined;
    const pageSize = Number($(`#${prefix}-page-size`).value);
    await run(form, status, "Loading", async () => {
      const result = await fetchPage({ token: tokens[page], pageSize, prefix: namePrefix });
      if (mine !== generation) return "";
      nextToken = result.next;
      rows.replaceChildren(...result.items.map(renderRow));
      if (result.items.length === 0) {
        rows.replaceChildren(Object.assign(document.createElement("tr"), { innerHTML: `<td colspan="5" class="empty"></td>` }));
        rows.querySelector("td").textContent = empty;
      }
      const start = page * pageSize;
      info.textContent = result.items.length
        ? `Page ${page + 1}: ${start + 1}–${start + result.items.length}${nextToken ? ", more" : ""}`
        : `Page ${page + 1}`;
      return "";
    });
    first.disabled = page === 0;
    next.disabled = !nextToken;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    tokens = [undefined];
    page = 0;
    load();
  });
  first.addEventListener("click", () => {
    tokens = [undefined];
    page = 0;
    load();
  });
  next.addEventListener("click", () => {
    if (!nextToken) return;
    tokens[page + 1] = nextToken;
    page += 1;
    load();
  });

  return {
    /** Reloads the current page. */
    reload: load,
    /** Back to the first page (new connection). */
    reset() {
      tokens = [undefined];
      page = 0;
      return load();
    },
    /** The row of an item, by name. */
    row: (name) => [...rows.querySelectorAll("tr[data-name]")].find((tr) => tr.dataset.name === name),
  };
}
