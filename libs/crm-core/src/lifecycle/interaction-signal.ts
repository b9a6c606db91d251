import type { ChannelPlugin, InboundInteraction, Intent } from '@omnihub/channels';
import { evaluateLifecycle, type LifecycleChange, type LifecycleSignal } from './lifecycle.rules';

/**
 * What a stored item tells the lifecycle: its channel, direction and intent, and whether it made
 * the contact two-way (the channel's plug-in says, e.g. an answered call; otherwise a message the
 * hub sent).
 */
export function interactionSignalOf(item: InboundInteraction, intent: Intent | null, plugin: ChannelPlugin | undefined): LifecycleSignal {
  const twoWay = plugin?.ingest?.twoWay?.(item) ?? (item.direction === 'outbound' && item.kind === 'message');
  return { kind: 'interaction', channel: item.channel, direction: item.direction, intent, twoWay };
}

/** Where a customer first seen with this item starts, with the reason, or null when it stays at the table's defaults. */
export function startOfNewCustomer(signal: LifecycleSignal): LifecycleChange | null {
  return evaluateLifecycle({ stage: 'acquisition', acquisitionStep: null, stageBeforeRisk: null }, signal);
}
