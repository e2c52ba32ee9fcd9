// A storefront whose app has published no program yet (just installed, or theme settings saved
// but not synced): the drawer is a cart drawer without reward bars, and the page asks the app,
// once, to sync the theme's settings (POST /apps/tiercart/sync through the app proxy). A
// storefront with a published program never asks.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { addFromProductPage, serverCart, setup } from './helpers.mjs';

let t;
afterEach(async () => {
  await t?.teardown();
});

function syncRequests(page) {
  const seen = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/apps/tiercart/sync') seen.push(request.method());
  });
  return seen;
}

test('no published program: the drawer works without bars and asks the app to sync once per page load', async () => {
  t = await setup({ unpublished: true });
  const syncs = syncRequests(t.page);
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  const drawer = t.page.locator('tiercart-drawer');
  await drawer.locator('.tiercart-line').first().waitFor();
  assert.equal(await drawer.locator('.tiercart-bar').count(), 0);
  assert.equal(await drawer.locator('.tiercart-reward').count(), 0);
  assert.equal((await serverCart(t.page)).items.length, 1);
  // Changes in the drawer (a quantity up) do not ask again.
  await drawer.locator('.tiercart-line button[aria-label^="Increase"]').first().click();
  await t.page.waitForFunction(() => document.querySelector('tiercart-drawer .tiercart-line input')?.value === '2');
  assert.deepEqual(syncs, ['POST']);
  // The app proxy's answer (the demo stands in for an app that already synced).
  const answer = await fetch(t.url('/apps/tiercart/sync'), { method: 'POST' });
  assert.equal(answer.status, 202);
  assert.deepEqual(await answer.json(), { queued: false });
  assert.deepEqual(t.errors, []);
  // A new page load asks again (the server limits syncs per shop, not the page).
  await t.page.goto(t.url('/cart'));
  await t.page.locator('[data-tiercart-open]').first().click();
  await drawer.locator('.tiercart-line').first().waitFor();
  assert.deepEqual(syncs, ['POST', 'POST']);
});

test('a published program: bars drawn from it, and no sync asked', async () => {
  t = await setup();
  const syncs = syncRequests(t.page);
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await t.page.locator('tiercart-drawer .tiercart-bar').first().waitFor();
  assert.deepEqual(syncs, []);
});
