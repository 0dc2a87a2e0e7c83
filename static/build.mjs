// Builds static/dist from static/src and the npm packages: Tailwind compiles app.css
// from the classes the templates use; htmx and Alpine's CSP build are copied as
// published. goats embeds static/dist (see adapters/http/src/web/assets.rs).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "static", "dist");
mkdirSync(dist, { recursive: true });

execFileSync(
  join(root, "node_modules", ".bin", "tailwindcss"),
  ["-i", join(root, "static", "src", "app.css"), "-o", join(dist, "app.css"), "--minify"],
  { stdio: "inherit", cwd: root },
);
copyFileSync(join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(dist, "htmx.min.js"));
copyFileSync(join(root, "node_modules", "@alpinejs", "csp", "dist", "cdn.min.js"), join(dist, "alpine.min.js"));
for (const own of ["app.js", "favicon.svg"]) {
  copyFileSync(join(root, "static", "src", own), join(dist, own));
}
