// The Function modules (build/function/, make build-function) under Node's WASI, called as
// Shopify calls them: the target's export, input on stdin, output on stdout. They must give
// the fixtures' answers (the same files the native suite checks), agree with the native core
// (build/bin/tiercart_function_native) on big generated carts, and meet hostile input with an
// output Shopify accepts or a clean failure (exit 1, the error on stderr): never a trap.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { FUNCTION_DIR, TARGETS, functionModule, runTarget } from '../../demo/function-runner.mjs';
import { ROOT, bigCart, gift, input, paid, rulesCart } from './inputs.mjs';

const FIXTURES = path.join(ROOT, 'tests', 'function-fixtures');
const NATIVE = path.join(ROOT, 'build', 'bin', 'tiercart_function_native');

// What Shopify accepts from each target: {operations: [...]} of the target's operation kind.
const OPERATION = {
  'cart.lines.discounts.generate.run': 'productDiscountsAdd',
  'cart.delivery-options.discounts.generate.run': 'deliveryDiscountsAdd',
  'cart.validations.generate.run': 'validationAdd',
};

function assertAcceptable(target, run, label) {
  if (run.exitCode !== 0) {
    assert.equal(run.exitCode, 1, `${label}: exit status`);
    const error = JSON.parse(run.stderr.trim().split('\n').pop()).error;
    assert.match(error.code, /^[a-z_]+$/, `${label}: error code`);
    assert.equal(run.stdout, '', `${label}: a failed run writes no output`);
    return;
  }
  assert.ok(run.output, `${label}: stdout is JSON`);
  assert.ok(Array.isArray(run.output.operations), `${label}: operations`);
  for (const op of run.output.operations) assert.deepEqual(Object.keys(op), [OPERATION[target]], label);
}

function native(target, text) {
  const run = spawnSync(NATIVE, [target], { input: text, encoding: 'utf8' });
  return { exitCode: run.status, stdout: run.stdout, stderr: run.stderr };
}

for (const target of Object.keys(TARGETS)) {
  const dir = path.join(FIXTURES, target);
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.input.json'))
    .map((f) => f.slice(0, -'.input.json'.length));
  test(`${target}: every fixture gives its output.json`, () => {
    assert.ok(names.length >= 5);
    for (const name of names) {
      const run = runTarget(target, fs.readFileSync(path.join(dir, `${name}.input.json`), 'utf8'));
      const expected = JSON.parse(fs.readFileSync(path.join(dir, `${name}.output.json`), 'utf8'));
      if (expected.error) {
        assert.equal(run.exitCode, 1, `${name}: a malformed input fails`);
        assert.deepEqual(JSON.parse(run.stderr.trim().split('\n').pop()), expected, name);
        assert.equal(run.stdout, '', name);
      } else {
        assert.equal(run.exitCode, 0, `${name}: ${run.stderr}`);
        assert.deepEqual(run.output, expected, name);
      }
    }
  });
}

test('the modules are WASI command modules with one export per target, under 256 kB', () => {
  for (const [target, { module, export: name }] of Object.entries(TARGETS)) {
    const mod = functionModule(module);
    assert.ok(
      WebAssembly.Module.exports(mod).some((e) => e.name === name && e.kind === 'function'),
      `${target} exported`,
    );
    assert.ok(WebAssembly.Module.exports(mod).some((e) => e.name === '_start'));
    for (const i of WebAssembly.Module.imports(mod))
      assert.equal(i.module, 'wasi_snapshot_preview1', `import ${i.module}.${i.name}`);
  }
  for (const name of ['discount', 'validation']) {
    const size = fs.statSync(path.join(FUNCTION_DIR, `tiercart-${name}.wasm`)).size;
    assert.ok(size <= 256 * 1024, `tiercart-${name}.wasm is ${size} bytes`);
  }
});

test('carts of 200 to 1,000 lines: the same answer as the native core', () => {
  for (const lines of [200, 280, 500, 1000]) {
    for (const target of Object.keys(TARGETS)) {
      const text = JSON.stringify(bigCart(lines, { owner: TARGETS[target].module }));
      const wasm = runTarget(target, text);
      const nat = native(target, text);
      assert.equal(wasm.exitCode, 0, `${lines} lines, ${target}: ${wasm.stderr}`);
      assert.equal(wasm.exitCode, nat.exitCode);
      assert.equal(wasm.stdout, nat.stdout, `${lines} lines, ${target}`);
      assertAcceptable(target, wasm, `${lines} lines`);
    }
  }
  // Both gifts of the 200-line cart are earned and made free, one unit each.
  const out = runTarget('cart.lines.discounts.generate.run', bigCart(200)).output;
  const targets = out.operations[0].productDiscountsAdd.candidates.flatMap((c) => c.targets);
  assert.deepEqual(
    targets.map((t) => t.cartLine).sort((a, b) => a.id.localeCompare(b.id)),
    [
      { id: 'gid://shopify/CartLine/199', quantity: 1 },
      { id: 'gid://shopify/CartLine/200', quantity: 1 },
    ],
  );
});

test('the rules of issue 20 in use at 200 lines: the same answer as the native core', () => {
  for (const target of Object.keys(TARGETS)) {
    const text = JSON.stringify(rulesCart(200, { owner: TARGETS[target].module }));
    const wasm = runTarget(target, text);
    const nat = native(target, text);
    assert.equal(wasm.exitCode, 0, `${target}: ${wasm.stderr}`);
    assert.equal(wasm.stdout, nat.stdout, target);
    assertAcceptable(target, wasm, 'rules cart');
  }
  // Both buy X get Y tiers give something: free mugs among the cart's lines, the added mug at 50%.
  const doc = rulesCart(200);
  const added = doc.cart.lines[197];
  const out = runTarget('cart.lines.discounts.generate.run', doc).output;
  const candidates = out.operations[0].productDiscountsAdd.candidates;
  const byMessage = Object.fromEntries(candidates.map((c) => [c.message, c]));
  assert.equal(byMessage['a free mug'].value.percentage.value, 100);
  assert.ok(byMessage['a free mug'].targets.length > 0);
  assert.deepEqual(byMessage['a camp mug at half price'].targets, [
    { cartLine: { id: added.id, quantity: added.quantity } },
  ]);
});

test('inputs over the limit, hostile nesting and too many lines fail cleanly', () => {
  const cases = [
    ['too_large', JSON.stringify({ cart: { lines: [] }, pad: 'x'.repeat(600 * 1024) })],
    ['too_deep', `{"cart":${'['.repeat(100000)}${']'.repeat(100000)}}`],
    ['too_many', JSON.stringify(bigCart(1001))],
  ];
  for (const [code, text] of cases) {
    for (const target of Object.keys(TARGETS)) {
      const run = runTarget(target, text);
      assert.equal(run.exitCode, 1, `${code} ${target}`);
      assert.equal(JSON.parse(run.stderr.trim()).error.code, code);
    }
  }
});

test('2,000 mutated inputs: an acceptable output or a clean failure, never a trap', () => {
  let seed = 7;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const base = JSON.stringify(
    input([paid(1, { quantity: 2 }), gift(2, 'tote'), gift(3, 'pick-a-gift', { variantId: 9003, productId: 8003 })]),
  );
  const alphabet = '{}[]",:0123456789.-eE truefalsnul\\/u"';
  const targets = Object.keys(TARGETS);
  for (let i = 0; i < 2000; i += 1) {
    let text = base;
    for (let k = 0, edits = 1 + random(4); k < edits; k += 1) {
      const at = random(text.length);
      const kind = random(3);
      if (kind === 0) text = text.slice(0, at) + text.slice(at + 1 + random(8));
      else if (kind === 1) text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at);
      else text = text.slice(0, at);
    }
    const target = targets[i % targets.length];
    let run;
    try {
      run = runTarget(target, text);
    } catch (error) {
      assert.fail(`case ${i} trapped (${error.message}) on ${JSON.stringify(text.slice(0, 200))}`);
    }
    assertAcceptable(target, run, `case ${i}`);
  }
});

test('the native runner exists (make build-native)', () => {
  assert.ok(fs.existsSync(NATIVE), NATIVE);
  assert.match(
    execFileSync(NATIVE, ['cart.lines.discounts.generate.run'], { input: '{"cart":{"lines":[]}}', encoding: 'utf8' }),
    /"operations":\[\]/,
  );
});
