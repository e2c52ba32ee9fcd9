// The drawer and the demo theme on a phone (390x844, a mobile viewport that zooms out when the
// page is wider than the screen) and on a desktop: the page is no wider than the screen, and the
// open drawer fits the visible viewport, its check-out button in sight. Screenshots in
// build/artifacts/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VIEWPORTS, addFromProductPage, saveScreenshot, settled, sharedStore } from './helpers.mjs';

let shared;
before(async () => {
  shared = await sharedStore();
});
after(async () => {
  await shared?.close();
});

// Boxes as the shopper sees them: relative to the visual viewport, which on a phone can sit
// inside a larger layout viewport (a page wider than the screen, scrolled by focus).
// Measured once the drawer's slide-in transition has ended (its box moves while it runs).
const layout = (page) =>
  page.evaluate(async () => {
    const dialog = document.querySelector('tiercart-drawer dialog');
    await Promise.all(dialog.getAnimations({ subtree: true }).map((animation) => animation.finished));
    const viewport = window.visualViewport;
    const box = (selector) => {
      const { top, bottom, left, right, height } = document.querySelector(selector).getBoundingClientRect();
      const [x, y] = [viewport.offsetLeft, viewport.offsetTop];
      return { top: top - y, bottom: bottom - y, left: left - x, right: right - x, height };
    };
    const checkout = box('tiercart-drawer .tiercart-checkout');
    const drawer = box('tiercart-drawer dialog');
    return {
      pageWidth: document.documentElement.scrollWidth,
      scale: viewport.scale,
      visibleHeight: viewport.height,
      headerRight: box('.header').right,
      dialog: { top: drawer.top, bottom: drawer.bottom, left: drawer.left, right: drawer.right },
      checkout: { bottom: checkout.bottom, left: checkout.left, right: checkout.right, height: checkout.height },
    };
  });

// The open drawer covers the visible viewport from its top to its bottom, its check-out button
// whole inside it.
function drawerInSight(shown, { width, height }) {
  assert.equal(Math.round(shown.dialog.top), 0, `the drawer starts at ${shown.dialog.top} px`);
  assert.ok(Math.abs(shown.dialog.bottom - shown.visibleHeight) <= 0.5, `the drawer ends at ${shown.dialog.bottom} px`);
  assert.ok(shown.dialog.left >= -0.5 && shown.dialog.right <= width + 0.5, 'the drawer is inside the screen');
  assert.ok(shown.checkout.height >= 44);
  assert.ok(
    shown.checkout.bottom <= Math.min(height, shown.visibleHeight) + 0.5,
    `check out ends at ${shown.checkout.bottom} px of ${shown.visibleHeight}`,
  );
  assert.ok(shown.checkout.left >= -0.5 && shown.checkout.right <= width + 0.5);
}

for (const viewport of ['desktop', 'phone']) {
  test(`${viewport}: the page fits the screen and the drawer's check-out button is in sight`, async () => {
    const { width } = VIEWPORTS[viewport].viewport;
    const s = await shared.shopper(viewport);
    try {
      // Two sweaters: bars, rewards, a gift picker, offers and two lines, a long drawer.
      await addFromProductPage(s, 'merino-crew-sweater', 2002, 2);
      const shown = await layout(s.page);
      assert.ok(shown.pageWidth <= width, `the page is ${shown.pageWidth} px wide`);
      assert.equal(shown.scale, 1);
      assert.ok(shown.headerRight <= width + 0.5, `the header ends at ${shown.headerRight} px`);
      drawerInSight(shown, VIEWPORTS[viewport].viewport);
      await s.page.screenshot({ path: saveScreenshot(`drawer-${viewport}-layout`) });
      await s.page.keyboard.press('Escape');
      await s.page.screenshot({ path: saveScreenshot(`page-${viewport}-header`) });
    } finally {
      await s.close();
    }
  });
}

test('phone: a theme wider than the screen still gets the whole drawer in sight', async () => {
  const s = await shared.shopper('phone');
  try {
    // A theme whose page is 600 px wide: the phone's layout viewport grows beyond its screen.
    await s.page.addInitScript(() =>
      document.addEventListener('DOMContentLoaded', () =>
        document.body.append(Object.assign(document.createElement('div'), { style: 'width: 600px; height: 1px' })),
      ),
    );
    await s.page.goto(s.url('/products/merino-crew-sweater'));
    await s.page.selectOption('#ProductVariant', '2002');
    await s.page.fill('#Quantity', '2');
    await s.page.evaluate(() => document.querySelector('.product-form').requestSubmit());
    await s.page.waitForSelector('tiercart-drawer[data-open]');
    await settled(s.page);
    const shown = await layout(s.page);
    assert.ok(shown.pageWidth > 390);
    drawerInSight(shown, VIEWPORTS.phone.viewport);
    await s.page.screenshot({ path: saveScreenshot('drawer-phone-wide-theme') });
  } finally {
    await s.close();
  }
});
