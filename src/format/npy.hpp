// Moved to <ebpc/npy.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/npy.hpp>
