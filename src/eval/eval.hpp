// Moved to <ebpc/eval.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/eval.hpp>
