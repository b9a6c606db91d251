// Before each cluster-tier file: test/support/hub.ts then starts its hubs on the tier's cluster.
process.env.TEST_REDIS_TIER = 'cluster';
