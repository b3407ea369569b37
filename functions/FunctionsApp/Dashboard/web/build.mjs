// Bundles src/app.js (with uPlot) and src/app.css into one script and one style sheet in the given folder.
// Called by FunctionsApp.csproj before it embeds them; `npm run build -- <outdir>` does the same by hand.
import { build } from "esbuild";

const outdir = process.argv[2] ?? "dist";
const common = { bundle: true, minify: true, legalComments: "eof", logLevel: "warning", target: ["es2020"] };
await build({ ...common, entryPoints: ["src/app.js"], outfile: `${outdir}/app.js`, format: "iife" });
await build({ ...common, entryPoints: ["src/app.css"], outfile: `${outdir}/app.css` });
