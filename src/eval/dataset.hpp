// Moved to <ebpc/eval_dataset.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/eval_dataset.hpp>
