// Keyboard-only shopping, axe-core on the open drawer, reduced motion, no layout shift, and
// screenshots of the open drawer kept in build/artifacts/.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { addFromProductPage, axe, giftLines, saveScreenshot, serverCart, settled, setup } from './helpers.mjs';

let t;
beforeEach(async () => {
  t = await setup();
});
afterEach(async () => {
  await t.teardown();
});

const active = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return {
      tag: el.tagName,
      cls: el.className,
      label: el.getAttribute('aria-label') || el.textContent.trim(),
      inDialog: Boolean(el.closest('dialog')),
    };
  });

async function tabTo(page, predicate, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (predicate(await active(page))) return;
  }
  throw new Error('focus never reached the target');
}

test('keyboard only: add, open, change quantity, trap focus, Escape returns focus', async () => {
  await t.page.goto(t.url('/products/merino-crew-sweater'));
  await tabTo(t.page, (a) => a.tag === 'BUTTON' && a.label === 'Add to cart');
  await t.page.keyboard.press('Enter');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  // Focus moves into the dialog, on its close button.
  assert.deepEqual(await active(t.page).then((a) => [a.inDialog, a.label]), [true, 'Close cart']);

  // Raise the quantity with the keyboard: the tote is earned and added.
  await tabTo(t.page, (a) => a.label === 'Increase quantity of Merino Crew Sweater - S');
  await t.page.keyboard.press('Enter');
  await settled(t.page);
  assert.equal(giftLines(await serverCart(t.page)).length, 1);
  // Focus stays on the stepper through the re-render: Enter again adds another.
  assert.equal((await active(t.page)).label, 'Increase quantity of Merino Crew Sweater - S');
  await t.page.keyboard.press('Enter');
  await settled(t.page);
  assert.equal((await active(t.page)).label, 'Increase quantity of Merino Crew Sweater - S');
  assert.equal((await serverCart(t.page)).items.find((i) => i.variant_id === 2001).quantity, 3);
  // Type a quantity and press Enter.
  await t.page.keyboard.press('Shift+Tab');
  assert.equal((await active(t.page)).tag, 'INPUT');
  await t.page.keyboard.press('Control+A');
  await t.page.keyboard.type('2');
  await t.page.keyboard.press('Enter');
  await settled(t.page);
  assert.equal((await serverCart(t.page)).items.find((i) => i.variant_id === 2001).quantity, 2);
  assert.equal((await active(t.page)).tag, 'INPUT');

  // Focus never leaves the dialog.
  for (let i = 0; i < 30; i++) {
    await t.page.keyboard.press('Tab');
    assert.equal((await active(t.page)).inDialog, true);
  }
  for (let i = 0; i < 5; i++) {
    await t.page.keyboard.press('Shift+Tab');
    assert.equal((await active(t.page)).inDialog, true);
  }

  // Escape closes and gives focus back to the button that opened it.
  await t.page.keyboard.press('Escape');
  assert.equal(await t.page.locator('tiercart-drawer dialog').evaluate((d) => d.open), false);
  assert.deepEqual(await active(t.page).then((a) => [a.tag, a.label]), ['BUTTON', 'Add to cart']);

  // The cart icon opens it too, and gets focus back.
  await t.page.focus('#cart-icon-bubble');
  await t.page.keyboard.press('Enter');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await t.page.keyboard.press('Escape');
  assert.equal(await t.page.evaluate(() => document.activeElement.id), 'cart-icon-bubble');
});

test('axe-core finds no violations in the open drawer (gift, picker, offers, error)', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 2);
  await t.page.fill('#tiercart-discount', 'NOPE');
  await t.page.click('tiercart-drawer .tiercart-discount button[type=submit]');
  await settled(t.page);
  await t.page.evaluate(() => document.querySelector('tiercart-drawer').addItems([{ id: 2005, quantity: 1 }]));
  await settled(t.page);
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-picker').count(), 1);
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-error').isVisible(), true);
  assert.deepEqual(await axe(t.page, 'tiercart-drawer'), []);
  await t.page.screenshot({ path: saveScreenshot('drawer-desktop-gift-choice') });

  await t.page.setViewportSize({ width: 390, height: 844 });
  await t.page.screenshot({ path: saveScreenshot('drawer-mobile') });
  assert.deepEqual(await axe(t.page, 'tiercart-drawer'), []);
});

test('axe-core: the drawer with an empty cart, and the page with the inline bar', async () => {
  await t.page.goto(t.url('/products/trail-socks-3-pack'));
  await t.page.click('#cart-icon-bubble');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  assert.deepEqual(await axe(t.page, 'tiercart-drawer'), []);
  await t.page.screenshot({ path: saveScreenshot('drawer-empty') });
  await t.page.keyboard.press('Escape');
  assert.deepEqual(await axe(t.page, '.tiercart-inline'), []);
});

test('reduced motion: no transition on the drawer or the bar', async () => {
  await t.page.emulateMedia({ reducedMotion: 'reduce' });
  await addFromProductPage(t, 'trail-socks-3-pack', 2008);
  const durations = await t.page.evaluate(() =>
    ['.tiercart-dialog', '.tiercart-bar__fill'].map(
      (s) => getComputedStyle(document.querySelector(`tiercart-drawer ${s}`)).transitionDuration,
    ),
  );
  assert.deepEqual(durations, ['0s', '0s']);
});

test('no layout shift in the host page when the inline bar and the drawer load', async () => {
  await t.page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  await t.page.keyboard.press('Escape');
  await t.page.goto(t.url('/products/trail-socks-3-pack'));
  await t.page.waitForSelector('.tiercart-inline .tiercart-bar');
  await t.page.waitForTimeout(300);
  assert.match(await t.page.locator('.tiercart-inline .tiercart-bar__message').textContent(), /\$11\.00/);
  assert.equal(await t.page.evaluate(() => window.__cls), 0);
});
