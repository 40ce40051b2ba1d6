// Only the libpng 1.6 "simplified API" (png_image_*) is used: the classic API reports errors with
// longjmp, which Swift cannot catch.
#include <png.h>
static inline const char *cpng_version_string(void) { return PNG_LIBPNG_VER_STRING; }
