// A bar that leaves sale items out (docs/program-format.md section 4): the drawer measures only
// full-price lines, for a sale item in the cart when the page was rendered (its compare-at price
// from the theme's Liquid) and for one added afterwards (learnt from products/<handle>.js). The
// demo's beanie is on sale: $24.00, compare-at $30.00.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { addFromProductPage, fixtureProgramFile, giftLines, serverCart, setup } from './helpers.mjs';

const programFile = fixtureProgramFile('sale-items-left-out');

let t;
afterEach(async () => {
  await t?.teardown();
  t = null;
});

const barMessage = () => t.page.locator('tiercart-drawer .tiercart-bar__message').first().textContent();

test('a sale item added to the cart does not bring the tote', async () => {
  t = await setup({ program: programFile });
  await addFromProductPage(t, 'merino-crew-sweater', 2001, 1);
  assert.equal(await barMessage(), 'Spend $11.00 more at full price for a free canvas tote');
  // $113.00 in the cart, but $24.00 of it on sale.
  await addFromProductPage(t, 'ribbed-wool-beanie', 2006, 1);
  assert.equal(await barMessage(), 'Spend $11.00 more at full price for a free canvas tote');
  assert.deepEqual(giftLines(await serverCart(t.page)), []);

  // On a page rendered with the beanie in the cart, the same.
  await t.page.goto(t.url('/'));
  await addFromProductPage(t, 'merino-crew-sweater', 2001, 1);
  assert.deepEqual(
    giftLines(await serverCart(t.page)).map((l) => l.variant_id),
    [9001],
    '$178.00 at full price earns the tote',
  );
  assert.deepEqual(t.errors, []);
});
