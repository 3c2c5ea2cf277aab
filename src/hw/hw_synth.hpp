// Moved to <ebpc/hw_synth.hpp>; kept so that code written before the move still builds.
#pragma once
#include <ebpc/hw_synth.hpp>
