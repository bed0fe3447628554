// Typeset formulas with KaTeX and report the ones that fail: `node tools/katex_check.js KATEX_JS`.
// Reads a JSON list of {"tex": ..., "display": true|false, "where": ...} on stdin and writes a JSON
// list of {"where", "tex", "error"} for every formula KaTeX refuses (an undefined macro among them).
"use strict";
const katex = require(require("path").resolve(process.argv[2]));
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const failures = [];
  for (const item of JSON.parse(input)) {
    try {
      katex.renderToString(item.tex, { displayMode: item.display, throwOnError: true, strict: "ignore" });
    } catch (err) {
      failures.push({ where: item.where, tex: item.tex, error: String(err.message || err) });
    }
  }
  process.stdout.write(JSON.stringify({ count: JSON.parse(input).length, failures }));
});
