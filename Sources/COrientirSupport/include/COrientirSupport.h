// What Orientir's Swift modules import from C: the module's umbrella header.
#ifndef CORIENTIR_SUPPORT_H
#define CORIENTIR_SUPPORT_H

#include "orientir_crc32c.h"
#include "orientir_io.h"
#include "orientir_memory.h"

#endif
