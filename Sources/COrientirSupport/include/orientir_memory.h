// Memory hints the Swift standard library does not expose, for Orientir's folds.
#ifndef ORIENTIR_MEMORY_H
#define ORIENTIR_MEMORY_H

/// Starts loading the cache line at `address` for reading, without waiting for it (a hint: never faults).
static inline void orientir_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
