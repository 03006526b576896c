/**
 * How many containers a cgroup collector reads at once (each with all its files in parallel). Bounded rather than
 * all at once: libuv has 4 file threads, and thousands of queued reads (each with a 64 KiB buffer for size-0 sysfs
 * files) made a 500-container pass slower and grew the heap; 16–32 was fastest on a 2-core host.
 */
export const CONTAINERS_IN_FLIGHT = 32;
