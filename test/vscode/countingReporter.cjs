// Mocha's spec reporter that also writes its counts as JSON to $DANDI_MOCHA_COUNTS, so that
// `npm test` can add the unit tests to its final "N passed, N failed" line without parsing text.
/* eslint-disable @typescript-eslint/no-require-imports -- mocha loads reporters with require() */
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.DANDI_MOCHA_COUNTS;
      if (!file) return;
      const { passes, failures, pending, tests } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, pending, tests }));
    });
  }
}

module.exports = CountingSpecReporter;
