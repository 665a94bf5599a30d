// Adds up vitest's JSON reports into the closing lines CI reads: one per report, then
// "N passed, N failed, N skipped", then every failed test (or failed file) with the first lines of its error,
// and every test that passed only when retried, so a CI log that keeps only its tail still names what broke.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const root = path.resolve(dir, '../..');
let passed = 0;
let failed = 0;
let skipped = 0;
const broken = [];
const retried = [];

function firstLines(text, n = 4) {
  return String(text ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .slice(0, n)
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line));
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const name = file.replace(/\.json$/, '');
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  for (const suite of report.testResults ?? []) {
    const where = path.relative(root, suite.name ?? '');
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of suite.assertionResults ?? []) {
      // A passed test that carries failure messages failed first and passed when retried (vitest `retry`).
      if (test.status === 'passed' && test.failureMessages?.length)
        retried.push({
          where: `${name} ${where} > ${test.fullName ?? test.title}`,
          lines: firstLines(test.failureMessages.join('\n'), 2),
        });
    }
    for (const test of failedTests) {
      broken.push({
        where: `${name} ${where} > ${test.fullName ?? test.title}`,
        lines: firstLines(test.failureMessages?.join('\n')),
      });
    }
    if (suite.status === 'failed' && failedTests.length === 0) {
      broken.push({ where: `${name} ${where} (the file failed)`, lines: firstLines(suite.message) });
    }
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const { where, lines } of retried) {
  console.log(`PASSED ON RETRY ${where}`);
  for (const line of lines) console.log(`    ${line}`);
}
for (const { where, lines } of broken) {
  console.log(`FAILED ${where}`);
  for (const line of lines) console.log(`    ${line}`);
}
