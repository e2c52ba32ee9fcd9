// The demo's theme editor (/__demo/editor): the blocks' settings as a form generated from their
// schemas beside a live preview that renders the storefront in design mode with those settings,
// converted into a program in the page by the core's themeProgram (wasm), as the app's server
// converts the saved ones. The drawer previews open with sample progress and follows every
// change, and the editor page itself is never reloaded.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { setup } from './helpers.mjs';
import { readBlock } from '../theme/render.mjs';

const GOES_LIVE =
  'tiercart: a preview. Once you save these settings and the app syncs them, they go live, checkout included.';

let t;
beforeEach(async () => {
  t = await setup();
});
afterEach(async () => {
  await t.teardown();
});

// What the preview's drawer shows, read again until `ok` accepts it (the frame navigates on
// every change, so a read may meet a page being replaced). Bounded by time, not by a count of
// reads: on a loaded machine a read itself can take long.
async function previewUntil(ok, what, mode = 'sample') {
  const frame = t.page.frame({ name: 'preview' });
  let last = null;
  for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
    try {
      last = await frame.evaluate((mode) => {
        const drawer = document.querySelector('tiercart-drawer');
        if (!drawer || drawer.dataset.preview !== mode) return null;
        return {
          open: drawer.hasAttribute('data-open'),
          lines: drawer.querySelectorAll('.tiercart-line').length,
          rewards: [...drawer.querySelectorAll('.tiercart-reward')].map((r) => r.textContent),
          bars: [...drawer.querySelectorAll('.tiercart-bar')].map((bar) => ({
            id: bar.dataset.bar,
            message: bar.querySelector('.tiercart-bar__message').textContent,
            value: bar.querySelector('[role=progressbar]').getAttribute('aria-valuenow'),
            tiers: [...bar.querySelectorAll('.tiercart-bar__tiers li')].map((li) => li.textContent),
          })),
          notes: [...drawer.querySelectorAll('.tiercart-editor-notice')].map((n) => n.textContent),
          notesRole: [...drawer.querySelectorAll('.tiercart-editor-notice')].every(
            (n) => n.getAttribute('role') === 'note',
          ),
        };
      }, mode);
      if (last && ok(last)) return last;
    } catch {
      // The frame was navigating: read again.
    }
    await t.page.waitForTimeout(100);
  }
  assert.fail(`preview never showed ${what}; last: ${JSON.stringify(last)}`);
}

test('the form is generated from the schema, and the preview follows a threshold change without reloading the editor', async () => {
  await t.page.goto(t.url('/__demo/editor'));
  await t.page.evaluate(() => {
    window.editorMarker = 'still the same page';
  });
  await t.page.uncheck('#app-program'); // nothing published yet: only the "goes live" note
  const schemaIds = readBlock('tiercart-embed')
    .schema.settings.filter((s) => s.id)
    .map((s) => `tiercart-embed.${s.id}`);
  const formIds = await t.page.$$eval('details[data-block="tiercart-embed"] [name]', (nodes) =>
    nodes.map((n) => n.name),
  );
  assert.deepEqual(formIds, schemaIds);
  assert.equal(await t.page.textContent('label[for="f-tiercart-embed-t1_threshold"]'), 'Threshold');

  // Defaults: free shipping at 50; the sample cart is halfway there.
  const first = await previewUntil(
    (p) =>
      p.open && p.notes.length === 1 && p.bars[0]?.id === 'bar-1' && p.bars[0].tiers[0] === 'free shipping at $50.00',
    'the default tier',
  );
  assert.deepEqual(first.notes, [GOES_LIVE]);
  assert.equal(first.notesRole, true);
  assert.equal(first.bars[0].message, "You're $25.00 away from free shipping");
  assert.equal(first.bars[0].value, '50');

  await t.page.fill('[name="tiercart-embed.t1_threshold"]', '80');
  const changed = await previewUntil((p) => p.bars[0]?.tiers[0] === 'free shipping at $80.00', 'the new threshold');
  assert.equal(changed.bars[0].message, "You're $40.00 away from free shipping");
  assert.equal(changed.open, true);
  assert.equal(await t.page.evaluate(() => window.editorMarker), 'still the same page');
  assert.equal(await t.page.inputValue('[name="tiercart-embed.t1_threshold"]'), '80');
  assert.deepEqual(t.errors, []);
});

test('the preview opens beside the field the merchant types in, and leaves the focus there', async () => {
  await t.page.goto(t.url('/__demo/editor'));
  await t.page.uncheck('#app-program');
  await previewUntil((p) => p.open && p.bars[0]?.tiers[0] === 'free shipping at $50.00', 'the default tier');
  const threshold = '[name="tiercart-embed.t1_threshold"]';
  await t.page.fill(threshold, '6');
  // The preview is rendered again with $6.00, and its drawer opens: the merchant's next
  // keystroke still goes to the threshold, not into the preview.
  const opened = await previewUntil((p) => p.open && p.bars[0]?.tiers[0] === 'free shipping at $6.00', '$6.00');
  assert.equal(opened.open, true);
  assert.equal(await t.page.evaluate(() => document.activeElement?.name), 'tiercart-embed.t1_threshold');
  await t.page.keyboard.type('5');
  assert.equal(await t.page.inputValue(threshold), '65');
  await previewUntil((p) => p.open && p.bars[0]?.tiers[0] === 'free shipping at $65.00', '$65.00');
  assert.deepEqual(t.errors, []);
});

test('a second tier, a bar 2 embed and a left-out tier all show in the preview', async () => {
  await t.page.goto(t.url('/__demo/editor'));
  await t.page.uncheck('#app-program');
  await previewUntil((p) => p.notes.length === 1 && p.bars.length === 1, 'the first bar');
  await t.page.fill('[name="tiercart-embed.t2_threshold"]', '100');
  await t.page.selectOption('[name="tiercart-embed.t2_reward"]', 'free_gift');
  await t.page.selectOption('[name="tiercart-embed.t2_gifts"]', ['canvas-tote-bag']);
  await t.page.fill('[name="tiercart-embed.t3_threshold"]', '90'); // below tier 2: left out
  await t.page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });
  await t.page.check('#embed-tiercart-bar-2');
  await t.page.selectOption('[name="tiercart-bar-2.metric"]', 'quantity');
  await t.page.fill('[name="tiercart-bar-2.t1_threshold"]', '4');
  const shown = await previewUntil(
    (p) => p.bars.length === 2 && p.bars[0].tiers.length === 2 && p.bars[1].tiers[0]?.startsWith('free shipping at 4'),
    'two bars',
  );
  // Sample spend halfway between $50 and $100: the first tier reached.
  assert.deepEqual(shown.bars[0].tiers, ['free shipping at $50.00', 'Canvas Tote Bag at $100.00']);
  assert.equal(shown.bars[0].message, "You're $25.00 away from Canvas Tote Bag");
  assert.equal(shown.bars[1].id, 'bar-2');
  assert.deepEqual(shown.notes, [
    GOES_LIVE,
    'tiercart: tier 3 is left out: its threshold must be higher than the tier before it.',
  ]);
});

test("the preview shows the unsaved settings even while the app's own program is live, and a real cart is never mixed with the sample", async () => {
  const requests = [];
  t.page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  await t.page.goto(t.url('/__demo/editor'));
  // The demo's app has published its own program (demo/program.json): the storefront runs it,
  // the preview still shows what the settings would make live, and says which one is live.
  assert.equal(await t.page.isChecked('#app-program'), true);
  const shown = await previewUntil((p) => p.notes.length === 2, 'the notes');
  assert.equal(shown.notes[0], GOES_LIVE);
  assert.match(shown.notes[1], /the app's own program is active/);
  assert.equal(shown.bars[0].id, 'bar-1');
  assert.deepEqual(shown.bars[0].tiers, ['free shipping at $50.00']);
  assert.equal(shown.bars[0].message, "You're $25.00 away from free shipping");
  assert.deepEqual(shown.rewards, []);

  // A real cart in the editor's storefront ($89.00): shown as it is, bars and rewards alike.
  const frame = t.page.frame({ name: 'preview' });
  await frame.evaluate(async () => {
    await fetch('/cart/add.js', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 2002, quantity: 1 }] }),
    });
    await document.querySelector('tiercart-drawer').refresh();
  });
  const real = await previewUntil((p) => p.lines === 1, 'the real cart', 'cart');
  assert.equal(real.bars[0].id, 'bar-1');
  assert.deepEqual(real.rewards, ['Unlocked: free shipping']);
  // The editor's page never asks the app to sync: its settings are not saved yet.
  assert.equal(requests.includes('/apps/tiercart/sync'), false);
});

test('when the editor replaces the embed in place, the new drawer previews open with its settings', async () => {
  await t.page.goto(t.url('/__demo/editor'));
  await t.page.uncheck('#app-program');
  await previewUntil(
    (p) =>
      p.open && p.notes.length === 1 && p.bars[0]?.id === 'bar-1' && p.bars[0].tiers[0] === 'free shipping at $50.00',
    'the default tier',
  );
  const frame = t.page.frame({ name: 'preview' });
  // As a theme editor that re-renders a block's markup instead of the page.
  await frame.evaluate(async () => {
    const state = {
      settings: { 'tiercart-embed': { t1_threshold: '70', t1_message: 'Add {{remaining}} <b>for</b> {{reward}}' } },
    };
    const html = await (
      await fetch(`/__demo/editor/preview?state=${encodeURIComponent(JSON.stringify(state))}`)
    ).text();
    const fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('tiercart-drawer');
    document.querySelector('tiercart-drawer').replaceWith(document.importNode(fresh, true));
  });
  const shown = await previewUntil(
    (p) => p.open && p.bars[0]?.tiers[0] === 'free shipping at $70.00',
    'the re-rendered drawer',
  );
  // The merchant's message, markup and all, is text.
  assert.equal(shown.bars[0].message, 'Add $35.00 <b>for</b> free shipping');
  assert.equal(await frame.locator('tiercart-drawer').count(), 1);
  assert.equal(await frame.locator('.tiercart-bar__message b').count(), 0);
});
