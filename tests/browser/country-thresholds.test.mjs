// Thresholds by country (docs/program-format.md section 11.1) in the drawer: the tote from
// $100.00, $150.00 in Canada. A shopper who picks Canada in the store's country selector (the
// header's localization form) is measured by Canada's amount, in CAD as Canada's market prices,
// and told so in "You're ... away"; a US shopper by the tier's own $100.00.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { addFromProductPage, fixtureProgramFile, giftLines, serverCart, settled, setup } from './helpers.mjs';

const programFile = fixtureProgramFile('markets-listed-country');

let t;
afterEach(async () => {
  await t?.teardown();
  t = null;
});

const barMessage = () => t.page.locator('tiercart-drawer .tiercart-bar__message').first().textContent();

test('a US shopper is $11.00 from the tote; after picking Canada, $85.29 in CAD (Canada’s $150.00)', async () => {
  t = await setup({ program: programFile });
  await addFromProductPage(t, 'merino-crew-sweater', 2001, 1);
  assert.equal(await barMessage(), "You're $11.00 away from a free canvas tote");

  // The header's selector, as a shopper uses it (the drawer closed): the form posts
  // country_code to /localization.
  await t.page.goto(t.url('/'));
  await t.page.selectOption('#CountrySelector', 'CA');
  await Promise.all([t.page.waitForNavigation(), t.page.click('.header__currency button[type=submit]')]);
  assert.equal(await t.page.locator('#CurrencySelector').inputValue(), 'CAD');
  await t.page.click('#cart-icon-bubble');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  // $89.00 x 1.39 = CA$123.71; Canada's $150.00 x 1.39 = CA$208.50, up to CA$209.00.
  assert.equal(await barMessage(), "You're $85.29 away from a free canvas tote");
  assert.deepEqual(giftLines(await serverCart(t.page)), []);
  assert.deepEqual(t.errors, []);
});
