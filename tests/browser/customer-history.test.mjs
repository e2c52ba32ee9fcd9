// Tiers for returning customers in the drawer (docs/program-format.md section 10): a signed-out
// shopper is told what signing in may unlock, never promised it, and nothing is added; once
// signed in (the demo's /account/login stand-in, a customer with 3 orders and $200.00 spent)
// the tote for customers with 2 orders is added, and the $500 spenders' tier stays closed.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { addFromProductPage, fixtureProgramFile, giftLines, serverCart, setup } from './helpers.mjs';

const programFile = fixtureProgramFile('history-signed-out');

let t;
afterEach(async () => {
  await t?.teardown();
  t = null;
});

const signInNotes = () => t.page.locator('tiercart-drawer .tiercart-sign-in').allTextContents();

test('signed out: what signing in may unlock, and no tote; signed in: the tote', async () => {
  t = await setup({ program: programFile });
  await addFromProductPage(t, 'merino-crew-sweater', 2001, 1);
  assert.deepEqual(await signInNotes(), [
    'Been here before? Sign in to see whether a free tote for returning customers is yours.',
    'Been here before? Sign in to see whether free shipping for customers who spent $500 is yours.',
  ]);
  assert.doesNotMatch(await t.page.locator('tiercart-drawer').textContent(), /Unlocked: a free tote/);
  assert.deepEqual(giftLines(await serverCart(t.page)), []);

  await t.page.goto(t.url('/account/login?customer=returning&return_to=/'));
  await addFromProductPage(t, 'merino-crew-sweater', 2001, 1);
  assert.deepEqual(await signInNotes(), []);
  assert.deepEqual(
    giftLines(await serverCart(t.page)).map((l) => [l.variant_id, l.properties._tiercart]),
    [[9001, 'returning-customers@1:welcome-back']],
  );
  assert.equal(
    await t.page.locator('tiercart-drawer .tiercart-reward[data-tier="welcome-back"]').textContent(),
    'Unlocked: a free tote for returning customers',
  );
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-reward[data-tier="big-spender"]').count(), 0);
  assert.deepEqual(t.errors, []);
});
