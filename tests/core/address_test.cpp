// Address checks (docs/post-purchase.md section 3): required fields, postal codes per
// country, normalisation, warnings.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "result_matchers.h"
#include "tiercart/post_purchase.h"

namespace tiercart {
namespace {

using testing::FailsWith;

Address Complete(const char* country, const char* zip, const char* province = "") {
  Address a;
  a.first_name = "Ada";
  a.last_name = "Lovelace";
  a.address1 = "1 High Street";
  a.city = "Town";
  a.country_code = country;
  a.zip = zip;
  a.province_code = province;
  return a;
}

std::vector<std::string> Codes(const AddressCheck& check) {
  std::vector<std::string> codes;
  for (const auto& p : check.problems) codes.push_back(p.field + ":" + p.code);
  return codes;
}

struct PostalCase {
  const char* country;
  const char* province;
  const char* typed;
  const char* normalised;  // nullptr: invalid
};

class PostalCodes : public ::testing::TestWithParam<PostalCase> {};

TEST_P(PostalCodes, AreNormalisedOrRefusedPerCountry) {
  const PostalCase& c = GetParam();
  const AddressCheck check = check_address(Complete(c.country, c.typed, c.province), {});
  if (c.normalised) {
    EXPECT_TRUE(check.ok) << c.country << " " << c.typed;
    EXPECT_EQ(check.address.zip, c.normalised);
  } else {
    EXPECT_FALSE(check.ok) << c.country << " " << c.typed;
    EXPECT_EQ(Codes(check), std::vector<std::string>{"zip:invalid_postal_code"});
  }
}

INSTANTIATE_TEST_SUITE_P(
    EightCountries, PostalCodes,
    ::testing::Values(
        PostalCase{"US", "NY", "10118", "10118"},
        PostalCase{"US", "NY", "10118 9999", "10118-9999"}, PostalCase{"US", "NY", "1011", nullptr},
        PostalCase{"US", "NY", "ABCDE", nullptr}, PostalCase{"CA", "ON", "k1a0b1", "K1A 0B1"},
        PostalCase{"CA", "ON", "K1A 0B1", "K1A 0B1"},
        PostalCase{"CA", "ON", "W1A 0B1", nullptr},  // no W first
        PostalCase{"CA", "ON", "K1O 0B1", nullptr},  // no O
        PostalCase{"GB", "", "sw1a1aa", "SW1A 1AA"}, PostalCase{"GB", "", "M1 1AE", "M1 1AE"},
        PostalCase{"GB", "", "B33  8TH", "B33 8TH"}, PostalCase{"GB", "", "12345", nullptr},
        PostalCase{"DE", "", "10117", "10117"}, PostalCase{"DE", "", "1011", nullptr},
        PostalCase{"FR", "", "75 008", "75008"}, PostalCase{"FR", "", "7500A", nullptr},
        PostalCase{"NL", "", "1012js", "1012 JS"},
        PostalCase{"NL", "", "0123 AB", nullptr},  // no leading zero
        PostalCase{"AU", "NSW", "2000", "2000"}, PostalCase{"AU", "NSW", "200", nullptr},
        PostalCase{"JP", "JP-13", "1000001", "100-0001"},
        PostalCase{"JP", "JP-13", "100-001", nullptr}));

TEST(AddressCheck, RequiresStateZipAndCityInTheUs) {
  Address a = Complete("US", "", "");
  a.city = "  ";
  EXPECT_EQ(Codes(check_address(a, {})),
            (std::vector<std::string>{"city:required", "province_code:required", "zip:required"}));
}

TEST(AddressCheck, GermanyNeedsNoProvince) {
  EXPECT_TRUE(check_address(Complete("DE", "10117"), {}).ok);
}

TEST(AddressCheck, RefusesAStateOfAnotherCountry) {
  EXPECT_EQ(Codes(check_address(Complete("CA", "K1A 0B1", "NY"), {})),
            std::vector<std::string>{"province_code:invalid_province"});
  EXPECT_EQ(Codes(check_address(Complete("AU", "2000", "ON"), {})),
            std::vector<std::string>{"province_code:invalid_province"});
}

TEST(AddressCheck, WritesJapanesePrefecturesAsShopifyCodes) {
  const auto check = check_address(Complete("JP", "100-0001", "13"), {});
  EXPECT_TRUE(check.ok);
  EXPECT_EQ(check.address.province_code, "JP-13");
  EXPECT_EQ(Codes(check_address(Complete("JP", "100-0001", "JP-48"), {})),
            std::vector<std::string>{"province_code:invalid_province"});
}

TEST(AddressCheck, NormalisesCaseAndSpacing) {
  Address a = Complete("us", " 10118 ", "ny");
  a.address1 = "  350   Fifth\tAvenue ";
  const auto check = check_address(a, {});
  EXPECT_EQ(check.address.country_code, "US");
  EXPECT_EQ(check.address.province_code, "NY");
  EXPECT_EQ(check.address.address1, "350 Fifth Avenue");
  EXPECT_EQ(check.address.zip, "10118");
}

TEST(AddressCheck, WarnsOfAPoBoxOnlyWhenTheShippingMethodCannotDeliverThere) {
  Address a = Complete("US", "10118", "NY");
  a.address1 = "P.O. Box 42";
  AddressOptions no_po_box;
  no_po_box.po_box_allowed = false;
  const auto warned = check_address(a, no_po_box);
  EXPECT_TRUE(warned.ok);  // a warning does not block
  ASSERT_EQ(warned.problems.size(), 1u);
  EXPECT_EQ(warned.problems[0].field, "address1");
  EXPECT_EQ(warned.problems[0].code, "po_box");
  EXPECT_EQ(warned.problems[0].severity, "warning");
  AddressOptions po_box_ok;
  po_box_ok.po_box_allowed = true;
  EXPECT_TRUE(check_address(a, po_box_ok).problems.empty());
  EXPECT_TRUE(check_address(a, {}).problems.empty());
}

TEST(AddressCheck, ReadsPoBoxesInSeveralLanguagesButNotInsideWords) {
  AddressOptions no_po_box;
  no_po_box.po_box_allowed = false;
  for (const char* line : {"PO Box 1", "pobox 7", "Post Office Box 3", "Postfach 1234",
                           "Postbus 12", "GPO Box 9", "Locked Bag 4"}) {
    Address a = Complete("DE", "10117");
    a.address2 = line;
    EXPECT_EQ(Codes(check_address(a, no_po_box)), std::vector<std::string>{"address2:po_box"})
        << line;
  }
  Address tempo = Complete("DE", "10117");
  tempo.address1 = "Tempo Box Lane 3";
  EXPECT_TRUE(check_address(tempo, no_po_box).problems.empty());
}

TEST(AddressCheck, RefusesCountriesTheShopDoesNotShipTo) {
  AddressOptions options;
  options.countries = {"US", "CA"};
  EXPECT_EQ(Codes(check_address(Complete("DE", "10117"), options)),
            std::vector<std::string>{"country_code:country_not_served"});
}

TEST(AddressCheck, ChecksThePhoneNumberOnlyWhenGiven) {
  Address a = Complete("DE", "10117");
  EXPECT_TRUE(check_address(a, {}).ok);
  a.phone = "+49 30 1234567";
  EXPECT_TRUE(check_address(a, {}).ok);
  a.phone = "12-34";
  EXPECT_EQ(Codes(check_address(a, {})), std::vector<std::string>{"phone:invalid_phone"});
}

TEST(AddressCheck, OtherCountriesGetTheCommonRulesOnly) {
  const auto check = check_address(Complete("IT", "00184"), {});
  EXPECT_TRUE(check.ok);
  EXPECT_EQ(check.address.zip, "00184");
  EXPECT_EQ(Codes(check_address(Complete("ITA", "00184"), {})),
            std::vector<std::string>{"country_code:invalid_country"});
}

TEST(AddressCheckJson, LeavesEmptyFieldsOutAndKeepsFieldOrder) {
  auto output = check_address_json(
      R"({"zip":"10117","last_name":"Schmidt","address1":"Dam 1","city":"Berlin","country_code":"de","company":"","name":"ignored"})",
      "");
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(
      output.value(),
      R"({"ok":true,"address":{"last_name":"Schmidt","address1":"Dam 1","city":"Berlin","zip":"10117","country_code":"DE"},"problems":[]})");
}

TEST(AddressCheckJson, RefusesFieldsOfTheWrongTypeOrSize) {
  EXPECT_TRUE(FailsWith(check_address_json(R"({"zip":10117})", ""), "invalid_type", "$.zip"));
  EXPECT_TRUE(FailsWith(check_address_json(R"({"city":")" + std::string(256, 'a') + R"("})", ""),
                        "too_large", "$.city"));
  EXPECT_TRUE(FailsWith(check_address_json("[]", ""), "invalid_type", "$"));
}

TEST(AddressCheckJson, RefusesUnknownOptions) {
  EXPECT_TRUE(
      FailsWith(check_address_json(R"({})", R"({"po_box":false})"), "unknown_field", "$.po_box"));
  EXPECT_TRUE(FailsWith(check_address_json(R"({})", R"({"countries":["USA"]})"), "invalid_value",
                        "$.countries[0]"));
}

}  // namespace
}  // namespace tiercart
