# The libFuzzer targets, listed once: fuzz/CMakeLists.txt builds each as fuzz_<name> with
# -fsanitize=fuzzer, tests/CMakeLists.txt as replay_<name> over fuzz/corpus/<name> (an
# ordinary test in every build); fuzz/run.sh, campaign.sh and coverage.sh run what was built.
set(EBPC_FUZZ_TARGETS ebpc_decode ebpc_lanes ebpc_roundtrip zvc_decode zrle_decode bpc_decode container npy
  stream_reader stream_writer c_api py_buffers ebpcx_decode)

# ebpc_fuzz_target(<exe> <name> [sources...]): the target's source (the baseline decoders
# share fuzz_baseline_decode.cpp, told the codec by EBPC_FUZZ_CODEC) and the extra sources.
function(ebpc_fuzz_target exe name)
  if(name MATCHES "^(zvc|zrle|bpc)_decode$")
    add_executable(${exe} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_baseline_decode.cpp ${ARGN})
    target_compile_definitions(${exe} PRIVATE EBPC_FUZZ_CODEC=${CMAKE_MATCH_1})
  else()
    add_executable(${exe} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_${name}.cpp ${ARGN})
  endif()
  target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${exe} PRIVATE ebpc ebpc_reference)
endfunction()
