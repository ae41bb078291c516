// Memory of RDS instance classes, for PostgreSQL's default max_connections on RDS:
// LEAST({DBInstanceClassMemory/9531392}, 5000). Only the families this program's presets and users commonly pick;
// any other class needs alarmDbMaxConnections set explicitly.

/** GiB by size, per family group. Burstable (t3/t4g) and general-purpose (m*) share 4 GiB per vCPU from large up. */
const GENERAL_GIB: Readonly<Record<string, number>> = {
    large: 8, xlarge: 16, "2xlarge": 32, "4xlarge": 64, "8xlarge": 128, "12xlarge": 192, "16xlarge": 256, "24xlarge": 384,
};
const BURSTABLE_GIB: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
const MEMORY_GIB: Readonly<Record<string, number>> = {
    large: 16, xlarge: 32, "2xlarge": 64, "4xlarge": 128, "8xlarge": 256, "12xlarge": 384, "16xlarge": 512, "24xlarge": 768,
};

const FAMILIES: readonly (readonly [RegExp, Readonly<Record<string, number>>])[] = [
    [/^t(3|4g)$/, BURSTABLE_GIB],
    [/^m(5|5d|6g|6gd|6i|6id|7g|7gd|7i)$/, GENERAL_GIB],
    [/^r(5|5d|6g|6gd|6i|6id|7g|7gd|7i)$/, MEMORY_GIB],
];

/** Memory in GiB of an RDS class such as db.m7g.xlarge, or undefined when the class is not in the table. */
export function rdsClassMemoryGib(instanceClass: string): number | undefined {
    const m = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
    if (!m) return undefined;
    const family = FAMILIES.find(([pattern]) => pattern.test(m[1]));
    return family?.[1][m[2]];
}

/** Bytes RDS divides DBInstanceClassMemory by in the default max_connections of PostgreSQL. */
export const RDS_BYTES_PER_CONNECTION = 9531392;
export const RDS_MAX_CONNECTIONS_CAP = 5000;

/**
 * The default max_connections for a class of `memoryGib`. DBInstanceClassMemory is the class memory minus what the
 * OS and RDS reserve, so the real value is a little lower; the alarm's percentage absorbs that difference.
 */
export function rdsDefaultMaxConnections(memoryGib: number): number {
    return Math.min(Math.floor((memoryGib * 1024 ** 3) / RDS_BYTES_PER_CONNECTION), RDS_MAX_CONNECTIONS_CAP);
}
