// OpenBLAS's cblas.h also declares openblas_get_config, openblas_get_corename and
// openblas_set_num_threads, which the engine uses to pin and report the BLAS configuration.
#include <cblas.h>
