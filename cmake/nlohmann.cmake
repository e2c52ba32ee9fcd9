# nlohmann/json (a header-only Debian package) as tiercart::nlohmann, for each target that uses
# it itself: the core's JSON writer, the tests, the fuzz harnesses and the server.
# JSON_NOEXCEPTION goes with it into every translation unit that includes it, so that all of
# them see the same definitions of its inline functions. Emscripten must not see /usr/include
# as a whole (it would pick up glibc headers), so it gets a folder holding only a link to it.
add_library(tiercart_nlohmann INTERFACE)
add_library(tiercart::nlohmann ALIAS tiercart_nlohmann)
target_compile_definitions(tiercart_nlohmann INTERFACE JSON_NOEXCEPTION)
if(EMSCRIPTEN)
  set(nlohmann_shim ${CMAKE_BINARY_DIR}/nlohmann-shim)
  file(MAKE_DIRECTORY ${nlohmann_shim})
  file(CREATE_LINK ${TIERCART_NLOHMANN_INCLUDE_DIR}/nlohmann ${nlohmann_shim}/nlohmann SYMBOLIC)
  target_include_directories(tiercart_nlohmann SYSTEM INTERFACE ${nlohmann_shim})
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  target_link_libraries(tiercart_nlohmann INTERFACE nlohmann_json::nlohmann_json)
endif()
