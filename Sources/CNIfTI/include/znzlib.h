// Forwarder: nifti2_io.h says #include <znzlib.h>, and Debian keeps it in /usr/include/nifti.
#include "/usr/include/nifti/znzlib.h"
