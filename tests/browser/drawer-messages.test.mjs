// What the drawer tells the shopper, on a desktop and on a phone: a reward a change took away is
// named with what brings it back (on screen and in the live region, which never goes on saying
// "Unlocked" about it); a failed change is shown and announced beside the line or control it came
// from, which keeps its previous state; a gift still to be picked is said by the bar and beside
// the checkout button, which still checks out; a gift the shopper (or the theme) removes stays
// removed, remembered on the cart, and is offered back. Screenshots of each state in
// build/artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addFromProductPage, axe, giftLines, saveScreenshot, serverCart, settled, sharedStore } from './helpers.mjs';

let shared;
before(async () => {
  shared = await sharedStore();
});
after(async () => {
  await shared?.close();
});

const drawerApi = (page, method, ...args) =>
  page.evaluate(({ method, args }) => document.querySelector('tiercart-drawer')[method](...args), { method, args });
const addItems = async (s, items) => {
  await drawerApi(s.page, 'addItems', items);
  await settled(s.page);
};
const line = (s, variant) => s.page.locator(`tiercart-drawer .tiercart-line[data-variant="${variant}"]`);
const dialogStatus = (s) => s.page.locator('tiercart-drawer dialog [role=status]').textContent();
const pageStatus = (s) => s.page.locator('tiercart-drawer > [role=status]').textContent();
const alertText = (s) => s.page.locator('tiercart-drawer dialog [role=alert]').textContent();
// The store's next answer to `path` fails as the demo's failures do (an HTML error page for a
// 500, Shopify's JSON for a 422), for this shopper only: the tests run side by side.
const failNext = (s, path, status) =>
  s.page.route(
    `**${path}`,
    (route) =>
      route.fulfill(
        status === 422
          ? {
              status,
              contentType: 'application/json',
              body: JSON.stringify({
                status,
                message: 'Cart Error',
                description: 'The product is no longer available.',
              }),
            }
          : {
              status,
              contentType: 'text/html',
              body: '<!doctype html><title>Error</title><h1>Something went wrong</h1>',
            },
      ),
    { times: 1 },
  );
async function applyCode(s, code) {
  await s.page.fill('#tiercart-discount', code);
  await s.page.click('tiercart-drawer .tiercart-discount button[type=submit]');
  await settled(s.page);
}

// Whether the whole element is inside the drawer's scrolled body as it is shown now.
const inSight = (locator) =>
  locator.evaluate((node) => {
    const body = node.closest('.tiercart-body, .tiercart-footer').getBoundingClientRect();
    const box = node.getBoundingClientRect();
    const viewport = window.visualViewport;
    return (
      box.height > 0 &&
      box.top >= body.top - 1 &&
      box.bottom <= body.bottom + 1 &&
      box.bottom <= viewport.offsetTop + viewport.height + 1
    );
  });

// Each test is a shopper of its own (a browser context, its own cart): they run side by side.
describe('what the drawer tells the shopper', { concurrency: 3 }, () => {
  for (const viewport of ['desktop', 'phone']) {
    test(`${viewport}: a reward lost to a code or a removed line is named with the way back`, async () => {
      const s = await shared.shopper(viewport);
      try {
        await addFromProductPage(s, 'merino-crew-sweater', 2002, 1); // $89.00
        await addItems(s, [{ id: 2008, quantity: 1 }]); // + $18.00 = $107.00: the tote
        assert.deepEqual(
          giftLines(await serverCart(s.page)).map((l) => l.variant_id),
          [9001],
        );
        // The open drawer makes the page outside it inert: the region inside the dialog speaks.
        assert.equal(await dialogStatus(s), 'Unlocked: a free canvas tote');

        // The shopper declines the tote: gone, remembered on the cart, offered back; focus moves
        // to the offer.
        const tote = line(s, 9001);
        const declined = s.page.locator('tiercart-drawer .tiercart-declined');
        const declinedText = 'You removed Canvas Tote Bag. It will not be added again. Add it back';
        const declinedOnCart = async () => (await serverCart(s.page)).attributes._tiercart_declined;
        await tote.locator('[data-action=decline]').click();
        await settled(s.page);
        assert.deepEqual(giftLines(await serverCart(s.page)), []);
        assert.equal(await declinedOnCart(), 'northbound-rewards:tote:9001');
        assert.equal(await declined.textContent(), declinedText);
        assert.equal(await s.page.evaluate(() => document.activeElement.dataset.action), 'take-back');
        await s.page.screenshot({ path: saveScreenshot(`drawer-${viewport}-gift-declined`) });
        assert.deepEqual(await axe(s.page, 'tiercart-drawer'), []);
        // Read again (another page, another tab): still not added.
        await drawerApi(s.page, 'refresh');
        await settled(s.page);
        assert.deepEqual(giftLines(await serverCart(s.page)), []);
        // Taken back: added, the decline cleared, focus on the gift's remove control.
        await declined.locator('button').click();
        await settled(s.page);
        assert.deepEqual(
          giftLines(await serverCart(s.page)).map((l) => l.variant_id),
          [9001],
        );
        assert.ok(!(await declinedOnCart())); // empty, or gone as Shopify may drop it
        assert.equal(await declined.count(), 0);
        assert.equal(await s.page.evaluate(() => document.activeElement.dataset.action), 'decline');
        // The theme's own remove (change.js, quantity 0) declines it too rather than being undone.
        await s.page.evaluate(async () => {
          const cart = await (await fetch('/cart.js')).json();
          const gift = cart.items.find((i) => i.variant_id === 9001);
          await fetch('/cart/change.js', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ id: gift.key, quantity: 0 }),
          });
          await document.querySelector('tiercart-drawer').refresh();
        });
        await settled(s.page);
        assert.deepEqual(giftLines(await serverCart(s.page)), []);
        assert.equal(await declinedOnCart(), 'northbound-rewards:tote:9001');
        assert.equal(await declined.textContent(), declinedText);
        await declined.locator('button').click();
        await settled(s.page);
        assert.equal(giftLines(await serverCart(s.page)).length, 1);

        // A 10% code: $96.30, below the tote's $100.00.
        await applyCode(s, 'TAKE10');
        assert.deepEqual(giftLines(await serverCart(s.page)), []);
        const lostCode = 'Removed: a free canvas tote. Spend $3.70 more to get it back.';
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-lost').textContent(), lostCode);
        assert.equal(await dialogStatus(s), lostCode);
        assert.equal(await pageStatus(s), '');
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-reward[data-tier="tote"]').count(), 0);
        await s.page.screenshot({ path: saveScreenshot(`drawer-${viewport}-reward-lost`) });
        assert.deepEqual(await axe(s.page, 'tiercart-drawer'), []);

        // The code removed: the tote is back, and so is its announcement; the notice is gone.
        await s.page.click('tiercart-drawer .tiercart-discount__code button');
        await settled(s.page);
        assert.equal(await dialogStatus(s), 'Unlocked: a free canvas tote');
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-lost').count(), 0);

        // A change that neither unlocks nor loses anything: the region says nothing more.
        await line(s, 2008).locator('[data-action=increase]').click();
        await settled(s.page);
        assert.equal(await dialogStatus(s), '');
        await line(s, 2008).locator('[data-action=decrease]').click();
        await settled(s.page);

        // The socks removed: $89.00.
        await line(s, 2008).locator('.tiercart-remove').click();
        await settled(s.page);
        const lostLine = 'Removed: a free canvas tote. Spend $11.00 more to get it back.';
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-lost').textContent(), lostLine);
        assert.equal(await dialogStatus(s), lostLine);
        assert.doesNotMatch(await s.page.locator('tiercart-drawer').textContent(), /Unlocked: a free canvas tote/);
        assert.deepEqual(s.errors, []);
      } finally {
        await s.close();
      }
    });

    test(`${viewport}: a failed change is shown beside its line, announced, and the line kept`, async () => {
      const s = await shared.shopper(viewport);
      try {
        await addFromProductPage(s, 'trail-socks-3-pack', 2008, 1);
        // Enough lines for the drawer to scroll; the last one is far below its top.
        await addItems(
          s,
          [2006, 2009, 2012, 2014, 2015, 2021, 2022].map((id) => ({ id, quantity: 1 })),
        );
        const last = line(s, 2022);
        await last.scrollIntoViewIfNeeded();
        assert.ok(await s.page.locator('tiercart-drawer .tiercart-body').evaluate((b) => b.scrollTop > 0));

        // A change on its way: its line is busy and says so; the rest is not, and stays usable.
        let release;
        const held = new Promise((resolve) => (release = resolve));
        await s.page.route(
          '**/cart/change.js',
          async (route) => {
            await held;
            await route.continue();
          },
          { times: 1 },
        );
        await last.locator('[data-action=increase]').click();
        await s.page.waitForSelector('tiercart-drawer .tiercart-line[data-variant="2022"][aria-busy="true"]');
        assert.equal(await last.locator('.tiercart-line__busy').textContent(), 'Updating cart');
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-line[aria-busy]').count(), 1);
        assert.equal(await s.page.locator('tiercart-drawer dialog').getAttribute('aria-busy'), 'false');
        assert.equal(await line(s, 2006).locator('[data-action=increase]').isEnabled(), true);
        release();
        await settled(s.page);
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-line[aria-busy]').count(), 0);
        assert.equal(await last.locator('.tiercart-line__busy').count(), 0);
        await last.locator('[data-action=decrease]').click();
        await settled(s.page);

        // A typed quantity the store refuses (500): the line shows 1 again, the error under it.
        await failNext(s, '/cart/change.js', 500);
        await last.locator('input').fill('3');
        await last.locator('input').press('Enter');
        await settled(s.page);
        const here = last.locator('.tiercart-error-here');
        assert.equal(await here.textContent(), 'Something went wrong. Your cart was not changed.');
        assert.equal(await inSight(here), true);
        assert.equal(await alertText(s), 'Something went wrong. Your cart was not changed.');
        assert.equal(await last.locator('input').inputValue(), '1');
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-error').isVisible(), false);
        await s.page.screenshot({ path: saveScreenshot(`drawer-${viewport}-line-error`) });
        assert.deepEqual(await axe(s.page, 'tiercart-drawer'), []);

        // A removal the store refuses with its own text (422): the line stays, the text beside it.
        await failNext(s, '/cart/change.js', 422);
        await last.locator('.tiercart-remove').click();
        await settled(s.page);
        assert.equal(await here.textContent(), 'The product is no longer available.');
        assert.equal(await inSight(here), true);
        assert.equal(await alertText(s), 'The product is no longer available.');
        assert.equal(await last.locator('input').inputValue(), '1');
        assert.equal((await serverCart(s.page)).items.find((i) => i.variant_id === 2022).quantity, 1);
        // Only there: no other line or the top of the drawer carries it.
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-error-here').count(), 1);

        // A code the store cannot reach: said under the code field, in the footer.
        await s.page.route('**/cart/update.js', (route) => route.abort('internetdisconnected'));
        await applyCode(s, 'TAKE10');
        const codeError = s.page.locator('tiercart-drawer .tiercart-discount .tiercart-error-here');
        assert.equal(await codeError.textContent(), 'Cannot reach the store. Check your connection and try again.');
        assert.equal(await inSight(codeError), true);
        assert.equal(await last.locator('.tiercart-error-here').count(), 0);
        await s.page.unroute('**/cart/update.js');

        // The next change works and clears it.
        await last.locator('[data-action=increase]').click();
        await settled(s.page);
        assert.equal(await s.page.locator('tiercart-drawer .tiercart-error-here').count(), 0);
        assert.equal(await alertText(s), '');
        assert.equal(await last.locator('input').inputValue(), '2');
      } finally {
        await s.close();
      }
    });

    test(`${viewport}: a gift still to be picked is said by the bar and beside checkout, which still works`, async () => {
      const s = await shared.shopper(viewport);
      try {
        await addFromProductPage(s, 'merino-crew-sweater', 2002, 2); // $178.00: every tier
        const message = s.page.locator('tiercart-drawer .tiercart-bar__message');
        const waiting = 'A gift is waiting for you: choose a second gift of your choice below.';
        assert.equal(await message.textContent(), waiting);
        assert.equal(
          await s.page.locator('tiercart-drawer .tiercart-bar__track').getAttribute('aria-valuetext'),
          waiting,
        );
        const checkout = s.page.locator('tiercart-drawer .tiercart-checkout');
        const reminder = s.page.locator('tiercart-drawer .tiercart-gift-reminder');
        assert.equal(await reminder.isVisible(), true);
        assert.match(
          await reminder.textContent(),
          /^Your gift is not in your cart yet: choose a second gift of your choice before you check out\./,
        );
        assert.equal(await checkout.getAttribute('aria-describedby'), await reminder.getAttribute('id'));
        assert.equal(await inSight(reminder), true);
        // The page's inline bar says it too.
        assert.equal(await s.page.locator('.tiercart-inline .tiercart-bar__message').textContent(), waiting);
        await s.page.screenshot({ path: saveScreenshot(`drawer-${viewport}-gift-waiting`) });
        assert.deepEqual(await axe(s.page, 'tiercart-drawer'), []);

        // Checkout is not blocked: its click is not cancelled by the drawer (then stopped here).
        const prevented = await checkout.evaluate((link) => {
          let seen = null;
          const stop = (event) => {
            seen = event.defaultPrevented;
            event.preventDefault();
          };
          window.addEventListener('click', stop, { once: true });
          link.click();
          return seen;
        });
        assert.equal(prevented, false);
        assert.equal(await checkout.getAttribute('href'), '/checkout');

        // The reminder's button leads to the picker.
        await reminder.locator('button').click();
        assert.equal(await s.page.evaluate(() => document.activeElement.value), '9002');

        await s.page.locator('tiercart-drawer .tiercart-picker input[value="9002"]').check();
        await settled(s.page);
        assert.equal(await message.textContent(), "You've unlocked every reward. Enjoy!");
        assert.equal(await reminder.isVisible(), false);
        assert.equal(await checkout.getAttribute('aria-describedby'), null);
        assert.deepEqual(s.errors, []);
      } finally {
        await s.close();
      }
    });
  }
});
