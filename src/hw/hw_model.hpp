// Moved to <ebpc/hw.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/hw.hpp>
