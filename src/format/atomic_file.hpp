// Moved to <ebpc/file.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/file.hpp>
