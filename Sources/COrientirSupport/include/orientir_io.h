// File I/O the Swift Glibc module does not expose, for OrientirLog.
#ifndef ORIENTIR_IO_H
#define ORIENTIR_IO_H

#include <stdint.h>

/// Starts writing back the dirty pages of `length` bytes at `offset` of `fd` without waiting for them
/// (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`); a hint, not a sync: returns 0, or -1 with errno set
/// (always 0 where the call does not exist).
int orientir_start_writeback(int fd, int64_t offset, int64_t length);

#endif
