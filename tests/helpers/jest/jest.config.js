module.exports = {
  testEnvironment: 'node',
  setupFilesAfterEnv: [process.env.MOCKRUN_HELPERS + '/jest/mockrun-setup.js'],
};
