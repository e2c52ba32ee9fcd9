// Evaluations and validations per second, JSON in and out included, for carts of 1, 20 and
// 250 lines: what one request to the server or one cart change in the browser costs.

#include <benchmark/benchmark.h>

#include <string>

#include "tiercart/tiercart.h"

namespace {

// A program with two bars (spend with a gift choice, quantity) and a scope that needs
// product facts, so the benchmark pays for the rules a real store uses.
const char* kProgram = R"({
  "format": 1, "id": "bench", "version": 1, "currency": "USD",
  "bars": [
    {"id": "spend", "scope": {"exclude": {"tags": ["clearance"]}},
     "tiers": [
       {"id": "ship", "threshold": 5000, "reward": {"type": "free_shipping"},
        "texts": {"en": {"label": "free shipping", "progress": "{{remaining}} to {{reward}}"}}},
       {"id": "tote", "threshold": 10000,
        "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001}, {"variant_id": 9002}],
                   "choose": 1},
        "texts": {"en": {"label": "a free tote", "progress": "{{remaining}} to {{reward}}"}}}]},
    {"id": "items", "metric": "quantity",
     "tiers": [{"id": "ten", "threshold": 10, "reward": {"type": "order_discount", "percent": 10}}]}
  ]})";

std::string make_cart(int lines) {
  std::string cart = R"({"currency":"USD","items":[)";
  for (int i = 0; i < lines; ++i) {
    if (i) cart += ',';
    const std::string variant = std::to_string(2001 + i);
    const std::string price = std::to_string(1000 + 37 * i);
    cart += R"({"id":)" + variant + R"(,"variant_id":)" + variant + R"(,"product_id":)" +
            std::to_string(1001 + i) + R"(,"key":")" + variant + R"(:abc","quantity":2,)" +
            R"("properties":{},"price":)" + price + R"(,"original_price":)" + price +
            R"(,"final_price":)" + price + R"(,"original_line_price":)" +
            std::to_string(2 * (1000 + 37 * i)) + R"(,"final_line_price":)" +
            std::to_string(2 * (1000 + 37 * i)) + R"(,"title":"Product )" + variant +
            R"(","product_type":"Coffee","gift_card":false,)" +
            R"("requires_shipping":true,"vendor":"Roaster","sku":"SKU)" + variant + R"("})";
  }
  cart += R"(],"cart_level_discount_applications":[]})";
  return cart;
}

std::string make_context(int lines) {
  std::string context = R"({"now":"2026-11-21T12:00:00Z","products":{)";
  for (int i = 0; i < lines; ++i) {
    if (i) context += ',';
    context += "\"" + std::to_string(1001 + i) + R"(":{"tags":[")" +
               (i % 7 == 3 ? "clearance" : "regular") + R"("],"collections":["all"]})";
  }
  context += "}}";
  return context;
}

void BM_Evaluate(benchmark::State& state) {
  const int lines = static_cast<int>(state.range(0));
  const std::string cart = make_cart(lines);
  const std::string context = make_context(lines);
  for (auto _ : state) {
    auto result = tiercart::evaluate_json(kProgram, cart, context);
    if (!result) state.SkipWithError(result.error().message.c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(lines) + " lines");
}

// A cart change with the program and the context already parsed (a server or page that keeps
// them between carts): the cart's JSON is read, evaluated and the evaluation written.
void BM_EvaluateParsed(benchmark::State& state) {
  const int lines = static_cast<int>(state.range(0));
  const std::string cart = make_cart(lines);
  const auto program = tiercart::parse_program(kProgram);
  const auto context = tiercart::parse_context(make_context(lines));
  for (auto _ : state) {
    auto parsed = tiercart::parse_cart(cart, context.value());
    if (!parsed) state.SkipWithError(parsed.error().message.c_str());
    auto evaluation = tiercart::evaluate(program.value(), parsed.value(), context.value());
    if (!evaluation) state.SkipWithError(evaluation.error().message.c_str());
    auto text = tiercart::to_json(evaluation.value());
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(lines) + " lines");
}

void BM_ValidateCart(benchmark::State& state) {
  const int lines = static_cast<int>(state.range(0));
  const std::string cart = make_cart(lines);
  const std::string context = make_context(lines);
  for (auto _ : state) {
    auto result = tiercart::validate_cart_json(kProgram, cart, context);
    if (!result) state.SkipWithError(result.error().message.c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(lines) + " lines");
}

// The stages of one evaluate_json, each alone: where the time of a request goes.
void BM_StageParseProgram(benchmark::State& state) {
  for (auto _ : state) {
    auto program = tiercart::parse_program(kProgram);
    if (!program) state.SkipWithError(program.error().message.c_str());
    benchmark::DoNotOptimize(program);
  }
}

void BM_StageParseContext(benchmark::State& state) {
  const std::string context = make_context(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto parsed = tiercart::parse_context(context);
    if (!parsed) state.SkipWithError(parsed.error().message.c_str());
    benchmark::DoNotOptimize(parsed);
  }
}

void BM_StageParseCart(benchmark::State& state) {
  const std::string cart = make_cart(static_cast<int>(state.range(0)));
  const tiercart::Context context;
  for (auto _ : state) {
    auto parsed = tiercart::parse_cart(cart, context);
    if (!parsed) state.SkipWithError(parsed.error().message.c_str());
    benchmark::DoNotOptimize(parsed);
  }
}

// evaluate() and to_json() on values already parsed.
void BM_StageEvaluateAndWrite(benchmark::State& state) {
  const int lines = static_cast<int>(state.range(0));
  const auto program = tiercart::parse_program(kProgram);
  const auto context = tiercart::parse_context(make_context(lines));
  const auto cart = tiercart::parse_cart(make_cart(lines), context.value());
  for (auto _ : state) {
    auto evaluation = tiercart::evaluate(program.value(), cart.value(), context.value());
    if (!evaluation) state.SkipWithError(evaluation.error().message.c_str());
    auto text = tiercart::to_json(evaluation.value());
    benchmark::DoNotOptimize(text);
  }
}

}  // namespace

BENCHMARK(BM_Evaluate)->Arg(1)->Arg(20)->Arg(250);
BENCHMARK(BM_EvaluateParsed)->Arg(20);
BENCHMARK(BM_ValidateCart)->Arg(1)->Arg(20)->Arg(250);
BENCHMARK(BM_StageParseProgram);
BENCHMARK(BM_StageParseContext)->Arg(20);
BENCHMARK(BM_StageParseCart)->Arg(20);
BENCHMARK(BM_StageEvaluateAndWrite)->Arg(20);
BENCHMARK_MAIN();
