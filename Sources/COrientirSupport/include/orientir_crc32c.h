// CRC-32C (Castagnoli) with the processor's own instruction, for OrientirLog's batch checksums.
#ifndef ORIENTIR_CRC32C_H
#define ORIENTIR_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor has a CRC-32C instruction (x86-64 SSE4.2, ARMv8 CRC), else 0.
int orientir_crc32c_hardware_available(void);

/// Continues the raw (not pre- or post-inverted) CRC-32C register `crc` over `length` bytes at `data`.
/// Call only when `orientir_crc32c_hardware_available()` returned 1.
uint32_t orientir_crc32c_hardware(uint32_t crc, const void *data, size_t length);

#endif
