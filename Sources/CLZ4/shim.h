#ifndef BASALT_CLZ4_SHIM_H
#define BASALT_CLZ4_SHIM_H
#include <lz4.h>
#endif
