// Shopify's orders CSV export split into rows (by libcsv, strict: a stray quote is an error)
// and read into orders by the core's OrdersExportReader (insight.h). Native only: the CLI's
// `what-if` and the server's what-if upload read files with it; the wasm modules never do.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "tiercart/insight.h"
#include "tiercart/result.h"

namespace tiercart {

class OrdersCsv {
 public:
  OrdersCsv();
  ~OrdersCsv();
  OrdersCsv(const OrdersCsv&) = delete;
  OrdersCsv& operator=(const OrdersCsv&) = delete;

  // The next bytes of the file, in any chunks. After an error, the read is over: every later
  // call returns the same error. Errors: "invalid_csv" (at the row), the reader's.
  std::optional<Error> feed(std::string_view bytes);
  // The end of the file: the orders read, or the first error.
  Result<OrdersExport> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A whole file at once.
Result<OrdersExport> read_orders_csv(std::string_view text);

}  // namespace tiercart
