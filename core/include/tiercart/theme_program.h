// The program a merchant set up in the theme editor: the tiercart app embeds' settings, as the
// theme's config/settings_data.json holds them, turned into a program (docs/program-format.md).
// One conversion for every consumer: the app's server runs it on the published theme to give
// checkout the same program, the theme editor's preview runs it in the browser (wasm).
// The rules are docs/theme-extension.md's "From settings to program".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/program.h"
#include "tiercart/result.h"

namespace tiercart {

// A product a `product_list` setting names by handle, as the caller found it (the server with
// Admin GraphQL, the editor's preview with Liquid's `all_products`).
struct ThemeProduct {
  int64_t product_id = 0;
  // Its first available variant; none when every variant is sold out (the product is then
  // skipped as a gift, as Liquid's selected_or_first_available_variant being blank did).
  std::optional<int64_t> variant_id;
  std::string title;
};

// The default texts of the program's locale: the extension's locale files
// (theme-extension/locales/*.json, tiercart.rewards.* and tiercart.messages.*) with their
// placeholders written as the program format reads them ("{{remaining}}", "{{reward}}").
// The caller has them (the server reads the locale files, the preview gets them from Liquid's
// `t`); the core keeps no words of its own. An empty one is left out of the program.
struct ThemeTexts {
  std::string free_shipping;  // label of a free shipping tier ("free shipping")
  std::string free_gift;      // label of a gift tier with several products ("a free gift")
  std::string gift_card;      // label of a gift card tier ("store credit")
  std::string progress;       // progress text when the merchant typed no message
  std::string unlocked;       // unlocked text of every tier
};

struct ThemeOptions {
  std::string app_handle = "tiercart";  // the <app-handle> of the embeds' block types
  std::string currency;                 // the shop currency (required): decides the exponent
  std::string locale = "en";            // the program's default_locale, the texts' locale
  std::string program_id = "theme-settings";
  int64_t version = 1;
  std::map<std::string, ThemeProduct> catalog;  // product handle -> product
  ThemeTexts texts;
};

// A setting the program leaves out, and why: what the theme editor shows the merchant.
struct ThemeNotice {
  std::string severity;  // "error" (nothing of the theme's settings is used) | "warning"
  std::string code;      // "bad_threshold", "not_ascending", "no_gifts", ... (docs/errors.md)
  std::string message;   // English, for people; the editor may word it by `code`
  std::string path;      // JSON path in settings_data.json of the setting to fix
  std::string bar;       // "bar-1".."bar-3"; empty when about the whole theme
  int tier = 0;          // 1..4; 0 when about the whole bar
};

struct ThemeProgram {
  // Nothing when no embed is enabled or no bar has a usable tier: the drawer then shows the
  // cart without bars, and checkout has nothing to grant.
  std::optional<Program> program;
  std::vector<ThemeNotice> notices;
  // Every product handle the used tiers' gift settings name, found in the catalog or not, in
  // the file's order: a caller without a catalog converts once to learn which products to
  // look up (the server: one Admin API query), then again with them.
  std::vector<std::string> product_handles;
};

// Reads `settings_data` as the theme editor saves it: a leading /* ... */ comment, then JSON,
// whose `current` is an object or the name of one of `presets`. Only enabled blocks of type
// shopify://apps/<options.app_handle>/blocks/{tiercart-embed,tiercart-bar-2,tiercart-bar-3}/...
// are read; everything else in the file is ignored. Errors (the document itself is unusable):
// "invalid_json", "too_large", "invalid_type", "unknown_preset", "missing_field" and
// "unknown_currency" (options.currency), "invalid_value" (options.program_id).
// Settings the program cannot use are notices, never errors.
Result<ThemeProgram> theme_program(std::string_view settings_data, const ThemeOptions& options);

// Options as JSON: {"app_handle", "currency", "locale", "program_id", "version",
// "catalog": {handle: {"product_id", "variant_id" (null: none available), "title"}},
// "texts": {"labels": {"free_shipping", "free_gift", "gift_card"}, "progress", "unlocked"}}.
// Every key optional (theme_program needs the currency: "missing_field" without it).
Result<ThemeOptions> parse_theme_options(std::string_view json);

// {"storefront": program | null, "checkout": program | null, "notices": [...]}: the storefront
// program with its texts, the checkout program without them (to_json(program,
// ProgramTexts::kWithout): canonical, byte for byte the same for the same rewards, so a
// server compares it with what it last published to know whether a new version is needed).
std::string to_json(const ThemeProgram& result);

// JSON in, JSON out, for the CLI and the wasm module.
Result<std::string> theme_program_json(std::string_view settings_data,
                                       std::string_view options_json);

}  // namespace tiercart
