// Spreading hosts over availability zones / subnets: host i goes to slot i mod n, so three controllers in three
// zones land in three distinct zones and losing one zone loses one controller.

export function roundRobinSlot(hostIndex: number, slotCount: number): number {
    if (!Number.isInteger(slotCount) || slotCount < 1) {
        throw new Error(`roundRobinSlot: slotCount must be a positive integer (got ${slotCount})`);
    }
    if (!Number.isInteger(hostIndex) || hostIndex < 0) {
        throw new Error(`roundRobinSlot: hostIndex must be a non-negative integer (got ${hostIndex})`);
    }
    return hostIndex % slotCount;
}
