// Private: 128-bit integers for exact intermediate products of amounts, rates and basis
// points. __int128 is a GNU extension that g++, clang and Emscripten all support;
// __extension__ keeps -Wpedantic quiet about it.
#pragma once

namespace tiercart::detail {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

}  // namespace tiercart::detail
