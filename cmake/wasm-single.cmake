# wasm-single: clang --target=wasm32-wasi reactor, locks compiled out (DMFS_THREADS=0 _GNU_SOURCE).
# Output: build/single/dmemfs-single.wasm (scripts/dist.sh copies it into dist/).
add_executable(dmemfs_single ${DMFS_CORE_SOURCES} ${CMAKE_CURRENT_SOURCE_DIR}/c/wasm/exports.c
  ${CMAKE_CURRENT_SOURCE_DIR}/c/wasm/bulk.c)
set_target_properties(dmemfs_single PROPERTIES OUTPUT_NAME dmemfs-single SUFFIX .wasm)
target_include_directories(dmemfs_single PRIVATE ${DMFS_INCLUDE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/c/src)
target_compile_definitions(dmemfs_single PRIVATE ${DMFS_COMMON_DEFS} DMFS_THREADS=0 _GNU_SOURCE)
# bulk memory: memory.copy/fill for memcpy/memset (c/wasm/bulk.c) and wherever clang inlines them.
target_compile_options(dmemfs_single PRIVATE -O2 -mbulk-memory ${DMFS_WARNINGS})
# --strip-debug, not --strip-all: clang-14 runs wasm-opt itself, which needs target_features.
target_link_options(dmemfs_single PRIVATE -O2 -mexec-model=reactor -Wl,--strip-debug
  -Wl,--max-memory=4294967296)
