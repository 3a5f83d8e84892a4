#ifndef KINEMA_CBLAS_SHIM_H
#define KINEMA_CBLAS_SHIM_H
#include <cblas.h>
#endif
