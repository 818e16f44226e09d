# wasm-threads: Emscripten -pthread, one universal ES-module glue for Node and browsers.
# Outputs in build/threads: dmemfs-threads.mjs, .wasm, .worker.js (scripts/dist.sh copies
# them into dist/). js/runtime-threads.mjs always loads it through instantiateWasm with a
# precompiled module, so the glue's own fetch is never used.
# Debian's emcc needs NODE_PATH at link time (acorn).
set(CMAKE_C_LINKER_LAUNCHER env NODE_PATH=/usr/share/nodejs)

# A smaller maximum makes a test build whose memory runs out (tests/js/oom-wasm.test.mjs).
set(DMFS_WASM_MAX_MEMORY 4GB CACHE STRING "wasm-threads: -sMAXIMUM_MEMORY")

set(DMFS_WASM_THREADS_LINK
  -pthread -O2 --no-entry
  -sMODULARIZE -sEXPORT_ES6 -sEXPORT_NAME=createDmemfsThreads
  -sENVIRONMENT=web,worker,node
  -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=${DMFS_WASM_MAX_MEMORY} -Wno-pthreads-mem-growth -sABORTING_MALLOC=0
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 -sFILESYSTEM=0
  # No pool: nothing keeps Node alive when idle; pthread_create returns EAGAIN.
  -sPTHREAD_POOL_SIZE_STRICT=2
  -sEXPORTED_RUNTIME_METHODS=[wasmMemory,PThread]
  "--extern-pre-js=${CMAKE_CURRENT_SOURCE_DIR}/c/wasm/banner.js")

add_executable(dmemfs_threads ${DMFS_CORE_SOURCES} ${CMAKE_CURRENT_SOURCE_DIR}/c/wasm/exports.c
  ${CMAKE_CURRENT_SOURCE_DIR}/c/wasm/share.c)
set_target_properties(dmemfs_threads PROPERTIES OUTPUT_NAME dmemfs-threads SUFFIX .mjs
  LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/c/wasm/banner.js)
target_include_directories(dmemfs_threads PRIVATE ${DMFS_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/c/src)
target_compile_definitions(dmemfs_threads PRIVATE ${DMFS_COMMON_DEFS} DMFS_THREADS=1 _GNU_SOURCE)
target_compile_options(dmemfs_threads PRIVATE -pthread -O2 ${DMFS_WARNINGS})
target_link_options(dmemfs_threads PRIVATE ${DMFS_WASM_THREADS_LINK})

if(DMFS_BUILD_TESTS AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tests/wasm/CMakeLists.txt)
  enable_testing()
  add_subdirectory(tests/wasm)
endif()
