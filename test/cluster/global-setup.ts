import { PrivateCluster } from '../support/private-cluster';

/**
 * The cluster tier's Redis Cluster: the one `.ci/run` started (TEST_REDIS_CLUSTER_NODES), or else
 * a private 3-master cluster for this run, stopped by global-teardown.ts.
 */
export default async function startTierCluster(): Promise<void> {
  if (process.env.TEST_REDIS_CLUSTER_NODES) return;
  const cluster = await PrivateCluster.start({ masters: 3 });
  (globalThis as { tierCluster?: PrivateCluster }).tierCluster = cluster;
  process.env.TEST_REDIS_CLUSTER_NODES = cluster.nodeList;
}
