// The module survives anything a page can throw at it: 10,000 malformed documents in a row
// (truncated, corrupted, garbage, too deep, too large, too many lines, wrong types, values
// JSON cannot write) each give a result or a TiercartError, never a crash; the module keeps
// answering valid documents with the same bytes; and its memory after the 10,000 is no
// larger than after the first 100 (each kind of input is among the first 100).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

import { fixturesDir, loadTiercart } from './support.mjs';

const kInputs = 10000;
const kMaxDocumentBytes = 4 * 1024 * 1024;

// mulberry32: small and seeded, so a failure can be replayed.
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

function fixture(name) {
  const input = JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.input.json`), 'utf8'));
  const text = (key) => (typeof input[key] === 'string' ? input[key] : JSON.stringify(input[key]));
  return { program: text('program'), cart: text('cart'), context: text('context') };
}

const base = fixture('tote-below');
{
  const order = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'order-earned.input.json'), 'utf8'));
  base.order = JSON.stringify(order.order);
  base.orderProgram = JSON.stringify(order.program);
}

const commands = ['evaluate', 'validateCart', 'validateOrder', 'checkProgram'];
const garbage = '{}[]",:\\ 0123456789.eE+-truefalsnul\u0000\u00e9\u65e5\ud83d\ude00';

// Each kind turns a valid document (JSON text) into a malformed input for the wrapper.
// The costly ones (megabytes to copy) come once every 250 inputs, the others in turn.
const heavyKinds = [
  function tooLarge(r, text) {
    return text + ' '.repeat(kMaxDocumentBytes - text.length + r.int(1, 64));
  },
  function tooManyLines(r) {
    const line =
      '{"id":1,"variant_id":1,"product_id":1,"key":"1:a","quantity":1,"price":1,' +
      '"final_line_price":1,"original_line_price":1,"properties":{}}';
    return `{"currency":"USD","items":[${Array(r.int(1001, 1200)).fill(line).join(',')}]}`;
  },
];
const kinds = [
  function truncated(r, text) {
    return text.slice(0, r.int(0, text.length - 1));
  },
  function corrupted(r, text) {
    const chars = [...text];
    for (let n = r.int(1, 8); n > 0; n -= 1) chars[r.int(0, chars.length - 1)] = r.pick([...garbage]);
    return chars.join('');
  },
  function randomCodeUnits(r) {
    let text = '';
    for (let n = r.int(0, 300); n > 0; n -= 1) text += String.fromCharCode(r.int(0, 0xffff));
    return text;
  },
  function loneSurrogate(r, text) {
    const at = r.int(1, text.length - 1);
    return `${text.slice(0, at)}${r.pick(['\ud800', '\udfff', '\udc00x'])}${text.slice(at)}`;
  },
  function tooDeep(r) {
    const depth = r.int(65, 5000);
    return r.pick(['[', '{"a":']).repeat(depth) + '1' + ']'.repeat(r.int(0, depth));
  },
  function wrongDocument(r) {
    return r.pick([
      '',
      ' ',
      '[]',
      '1',
      '-0',
      '"cart"',
      'null',
      'true',
      '{}',
      '\u0000',
      '1e400',
      '{"items":{}}',
      '{"currency":7}',
      '{"format":1}',
      '{"bars":null}',
      '{"a":1,"a":2}',
    ]);
  },
  function wrongField(r, text) {
    const document = JSON.parse(text);
    const value = r.pick([
      null,
      -1,
      0,
      1e300,
      -1e300,
      2 ** 63,
      1.5,
      '',
      'x',
      'USD',
      [],
      {},
      [[]],
      { id: 'x' },
      true,
      '2026-13-45T99:00:00Z',
      '-0.00',
      '12345678901234567890',
    ]);
    // Walk to a random object or array inside and overwrite one of its members.
    let node = document;
    for (let depth = r.int(0, 4); depth > 0; depth -= 1) {
      const children = Object.values(node).filter((v) => v && typeof v === 'object');
      if (!children.length) break;
      node = r.pick(children);
    }
    const keys = Object.keys(node);
    node[keys.length && r.int(0, 3) ? r.pick(keys) : r.pick(['extra', 'id', 'items', 'bars'])] = value;
    return JSON.stringify(document);
  },
  function hugeNumbers(r, text) {
    return text.replace(/\d+/, () =>
      r.pick([
        '1e400',
        '123456789012345678901234567890',
        '-0',
        '1.0000000000000000001',
        '9223372036854775808',
        '-9223372036854775809',
      ]),
    );
  },
  function notJson(r) {
    const cyclic = {};
    cyclic.self = cyclic;
    return r.pick([
      { amount: 1n },
      cyclic,
      undefined,
      null,
      () => 1,
      Symbol('x'),
      NaN,
      [undefined],
      {
        toJSON: () => {
          throw new Error('no');
        },
      },
      new Uint8Array(4),
      new Date(NaN),
    ]);
  },
];

function malformedCall(r, i) {
  const heavy = [7, 13].indexOf(i % 250);
  const kind = heavy >= 0 ? heavyKinds[heavy] : kinds[i % kinds.length];
  const command = r.pick(commands);
  const docs = {
    program: command === 'validateOrder' ? base.orderProgram : base.program,
    second: command === 'validateOrder' ? base.order : base.cart,
    context: base.context,
  };
  let target = r.pick(command === 'checkProgram' ? ['program', 'context'] : ['program', 'second', 'context']);
  if (kind.name === 'tooManyLines') target = command === 'checkProgram' ? 'program' : 'second';
  docs[target] = kind(r, docs[target]);
  return { kind: kind.name, command, target, docs };
}

// The module's memory grows to hold the biggest documents met (it never shrinks), then stays:
// a leak would grow it again in the second half.
it(`survives ${kInputs} malformed inputs in a row, with no growth in the second half`, async () => {
  const { tiercart, TiercartError } = await loadTiercart('all');
  const before = tiercart.evaluateJson(base.program, base.cart, base.context);
  const r = random(20261121);
  const codes = new Map();
  let memoryAtHalf = 0;
  for (let i = 0; i < kInputs; i += 1) {
    const call = malformedCall(r, i);
    const { program, second, context } = call.docs;
    try {
      if (call.command === 'checkProgram') tiercart.checkProgram(program, context);
      else tiercart[call.command](program, second, context);
      codes.set('(accepted)', (codes.get('(accepted)') ?? 0) + 1);
    } catch (error) {
      const where = `input ${i} (${call.kind}, ${call.command}, ${call.target})`;
      assert.ok(error instanceof TiercartError, `${where} threw ${error?.stack ?? error}`);
      assert.ok(error instanceof Error);
      assert.match(error.code, /^[a-z_]+$/, where);
      assert.ok(error.path.startsWith('$'), `${where}: path ${error.path}`);
      assert.ok(error.message.length > 0, where);
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    }
    if (i === kInputs / 2 - 1) memoryAtHalf = tiercart.memoryBytes;
  }
  assert.ok(memoryAtHalf > 0);
  assert.ok(tiercart.memoryBytes <= memoryAtHalf, `memory grew from ${memoryAtHalf} to ${tiercart.memoryBytes} bytes`);
  // Still working, and still the same answer.
  assert.equal(tiercart.evaluateJson(base.program, base.cart, base.context), before);
  for (const code of ['invalid_json', 'too_deep', 'too_large', 'too_many']) {
    assert.ok(codes.has(code), `no input gave ${code}: ${JSON.stringify([...codes])}`);
  }
});

it("refuses a document nested 100,000 deep as too_deep, within the shipped module's 256 KB stack", async () => {
  const { tiercart, TiercartError } = await loadTiercart('storefront');
  const depth = 100000;
  for (const deep of ['['.repeat(depth), `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
    for (const call of [
      () => tiercart.evaluateJson(deep, base.cart, base.context),
      () => tiercart.evaluateJson(base.program, deep, base.context),
      () => tiercart.checkProgramJson(deep, base.context),
    ]) {
      assert.throws(call, (error) => error instanceof TiercartError && error.code === 'too_deep');
    }
  }
  assert.ok(tiercart.evaluateJson(base.program, base.cart, base.context).length > 0);
});
