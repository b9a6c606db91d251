import type { PrivateCluster } from '../support/private-cluster';

export default async function stopTierCluster(): Promise<void> {
  await (globalThis as { tierCluster?: PrivateCluster }).tierCluster?.dispose();
}
