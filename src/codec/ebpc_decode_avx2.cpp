// EBPC decoder fast path for AVX2 + BMI2 CPUs (runtime dispatch: arch/cpu.hpp).
#include "arch/cpu.hpp"
