// Splits an orders export with libcsv (Debian's libcsv-dev) and hands each row to the core's
// reader (orders_csv.h).

#include "tiercart/orders_csv.h"

#include <csv.h>

#include <string>
#include <vector>

namespace tiercart {

struct OrdersCsv::State {
  csv_parser parser{};
  OrdersExportReader reader;
  std::vector<std::string> fields;
  std::size_t used = 0;  // fields of the current row
  bool header_read = false;
  int64_t rows = 0;  // rows ended, the header included
  std::optional<Error> error;

  static void on_field(void* data, std::size_t size, void* state) {
    auto* self = static_cast<State*>(state);
    if (self->error) return;
    if (self->used == self->fields.size()) self->fields.emplace_back();
    std::string& field = self->fields[self->used++];
    field.assign(data ? static_cast<const char*>(data) : "", data ? size : 0);
  }

  static void on_row(int, void* state) {
    auto* self = static_cast<State*>(state);
    ++self->rows;
    if (self->error) return;
    const std::size_t count = self->used;
    self->used = 0;
    // The reader takes the row's fields; spare strings stay for the next row.
    std::vector<std::string> row(std::make_move_iterator(self->fields.begin()),
                                 std::make_move_iterator(self->fields.begin() + count));
    if (!self->header_read) {
      self->header_read = true;
      self->error = self->reader.header(row);
    } else {
      self->error = self->reader.row(row);
    }
    for (std::size_t i = 0; i < count; ++i) self->fields[i] = std::move(row[i]);
  }

  void fail_csv() {
    const std::string where = "row " + std::to_string(rows + 1);
    error = make_error(
        "invalid_csv",
        where + ": not CSV as Shopify exports it (" + csv_strerror(csv_error(&parser)) + ")",
        where);
  }
};

OrdersCsv::OrdersCsv() : state_(std::make_unique<State>()) {
  csv_init(&state_->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
}

OrdersCsv::~OrdersCsv() { csv_free(&state_->parser); }

std::optional<Error> OrdersCsv::feed(std::string_view bytes) {
  State& s = *state_;
  if (s.error) return s.error;
  if (csv_parse(&s.parser, bytes.data(), bytes.size(), State::on_field, State::on_row, &s) !=
          bytes.size() &&
      !s.error) {
    s.fail_csv();
  }
  return s.error;
}

Result<OrdersExport> OrdersCsv::finish() {
  State& s = *state_;
  if (!s.error && csv_fini(&s.parser, State::on_field, State::on_row, &s) != 0 && !s.error) {
    s.fail_csv();
  }
  if (s.error) return *s.error;
  if (!s.header_read) {
    return make_error("missing_column", "row 1: the file is empty", "row 1");
  }
  return s.reader.finish();
}

Result<OrdersExport> read_orders_csv(std::string_view text) {
  OrdersCsv csv;
  if (auto error = csv.feed(text)) return *error;
  return csv.finish();
}

}  // namespace tiercart
