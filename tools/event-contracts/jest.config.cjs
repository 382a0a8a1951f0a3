/** The event contracts' tools: the breaking-change rules, the AsyncAPI documents, the compatibility check on the repo. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'event-contracts',
  rootDir: __dirname,
};
