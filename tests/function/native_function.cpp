// The native half of tests/function/: runs a Function target through the native core, as the
// wasm modules do (input on stdin, output on stdout, exit 1 with the error on stderr), so the
// Node tests can compare the two builds on generated carts too large to keep as fixtures.
//   tiercart_function_native <target> < input.json

#include <cstring>
#include <iostream>
#include <iterator>
#include <string>

#include "tiercart/function.h"
#include "tiercart/tiercart.h"

int main(int argc, char** argv) {
  using tiercart::FunctionTarget;
  if (argc != 2) {
    std::cerr << "usage: tiercart_function_native <target> < input.json\n";
    return 2;
  }
  FunctionTarget target = FunctionTarget::kCartLinesDiscounts;
  if (std::strcmp(argv[1], "cart.delivery-options.discounts.generate.run") == 0) {
    target = FunctionTarget::kDeliveryDiscounts;
  } else if (std::strcmp(argv[1], "cart.validations.generate.run") == 0) {
    target = FunctionTarget::kCartValidations;
  } else if (std::strcmp(argv[1], "cart.lines.discounts.generate.run") != 0) {
    std::cerr << "unknown target " << argv[1] << "\n";
    return 2;
  }
  const std::string input(std::istreambuf_iterator<char>(std::cin), {});
  std::string log;
  auto output = tiercart::run_function_json(target, input, &log);
  std::cerr << log;
  if (!output) {
    std::cerr << tiercart::to_json(output.error()) << "\n";
    return 1;
  }
  std::cout << output.value();
  return 0;
}
