/**
 * Jest's global setup: says which contract suites will be skipped, and why, before any test runs. A suite
 * whose tests are all skipped has its console output dropped from Jest's report, so the suites cannot say
 * it themselves.
 */
module.exports = async () => {
  const servers = [
    ['EventStoreDB', 'EVENTSTORE_URL', 'esdb://localhost:2113?tls=false'],
    ['MongoDB', 'MONGODB_URL', 'mongodb://localhost:27017/?replicaSet=rs0'],
  ];
  for (const [name, variable, example] of servers) {
    if (!process.env[variable])
      process.stdout.write(
        `\n${name} contract suite skipped: no server (${variable} is not set; e.g. ${variable}=${example}, as docker-compose starts it)\n`,
      );
  }
};
