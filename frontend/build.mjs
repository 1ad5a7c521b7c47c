// Builds the front-end assets from npm packages into ../build/static/frontend (git-ignored).
// Nothing third-party is committed: this runs at set-up on every machine.
import { compile } from "sass";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "build", "static", "frontend");
mkdirSync(out, { recursive: true });

const css = compile(join(here, "scss", "application.scss"), {
  loadPaths: [here],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "application.css"), css.css);

const nm = join(here, "node_modules");
const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["govuk-frontend/dist/govuk/assets/images", "assets/images"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets", "assets"],
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  // axe-core is only used by the browser tests to check accessibility.
  ["axe-core/axe.min.js", "axe.min.js"],
];
for (const [from, to] of copies) {
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
console.log(`front-end assets built in ${out}`);
