#ifndef BASALT_SUPPORT_H
#define BASALT_SUPPORT_H
#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli), the checksum of every commit-log record and SSTable chunk.
/// `crc` is the running value (0 to start); the result is the finished CRC of all bytes so far,
/// so `basalt_crc32c(basalt_crc32c(0, a), b) == basalt_crc32c(0, a ++ b)`.
uint32_t basalt_crc32c(uint32_t crc, const void *data, size_t length);

#endif
