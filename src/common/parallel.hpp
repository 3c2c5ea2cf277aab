// Moved to <ebpc/parallel.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/parallel.hpp>
