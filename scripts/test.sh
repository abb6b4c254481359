#!/usr/bin/env bash
# Runs every test (vitest), then prints one plain closing line
# `tests: N passed, N failed[, N skipped]` from vitest's JSON report.
set -u
cd "$(dirname "$0")/.."
mkdir -p build
rm -f build/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=build/vitest.json "$@"
rc=$?
node -e '
  const fs = require("node:fs");
  if (!fs.existsSync("build/vitest.json")) { console.log("tests: 0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync("build/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
exit $rc
