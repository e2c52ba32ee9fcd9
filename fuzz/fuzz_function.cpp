// libFuzzer: any bytes as a Shopify Function input give an output or an error for every
// target, never a crash: the walk from the core's JSON tree into the Function's values,
// the decisions and the output writer, on inputs no fixture thought of.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tiercart/function.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto target :
       {tiercart::FunctionTarget::kCartLinesDiscounts, tiercart::FunctionTarget::kDeliveryDiscounts,
        tiercart::FunctionTarget::kCartValidations}) {
    std::string log;
    tiercart::run_function_json(target, text, &log);
  }
  return 0;
}
