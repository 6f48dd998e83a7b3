#ifndef FAULTLINE_CYAML_SHIM_H
#define FAULTLINE_CYAML_SHIM_H
#include <yaml.h>
#endif
