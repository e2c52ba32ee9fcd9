// The heap grows on demand (a small cart needs little memory), and emscripten tells its JS
// glue about each growth through an import of this name. A Function has no glue and may
// import nothing but WASI, so the module defines it itself: there is nobody to tell.

#include <cstddef>

extern "C" __attribute__((used)) void emscripten_notify_memory_growth(std::size_t) {}
