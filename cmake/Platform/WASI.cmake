# Minimal platform file so CMake knows the WASI system name.
set(WASI 1)
set(CMAKE_EXECUTABLE_SUFFIX .wasm)
