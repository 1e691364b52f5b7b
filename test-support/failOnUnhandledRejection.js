// Mocha root hooks shared by every package: a test fails if anything it started left an unhandled
// promise rejection or an uncaught exception behind ("never an unhandled rejection" is a requirement).
const problems = [];
process.on('unhandledRejection', (reason) => problems.push(`unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`));
process.on('uncaughtExceptionMonitor', (error) => problems.push(`uncaught exception: ${error && error.stack ? error.stack : error}`));

exports.mochaHooks = {
    afterEach() {
        if (problems.length > 0) {
            const found = problems.splice(0);
            throw new Error(found.join('\n'));
        }
    },
};
