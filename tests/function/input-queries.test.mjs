// The Function input queries (extensions/*/src/*.graphql) against what the app writes as their
// variables (the core's function_input_variables, printed by `tiercart input-variables`): every
// variable a query requires is written, and each schedule slot the app fills is asked about as
// `after<i>: dateTimeAfter(dateTime: $scheduleAt<i>)`, the answer the Function reads; each
// asks for the delivery country.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { Kind, parse } from 'graphql';

import { ROOT } from './inputs.mjs';

const QUERIES = ['tiercart-discount', 'tiercart-validation'].flatMap((extension) => {
  const dir = path.join(ROOT, 'extensions', extension, 'src');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => path.join(dir, f));
});

const variables = JSON.parse(
  execFileSync(
    path.join(ROOT, 'build', 'bin', 'tiercart'),
    ['input-variables', '--program', path.join(ROOT, 'demo', 'program.json'), '--timezone', 'Europe/Berlin'],
    { encoding: 'utf8' },
  ),
);
const slots = Object.keys(variables).filter((name) => /^scheduleAt\d+$/.test(name));

test('there are three input queries and the app fills eight schedule slots', () => {
  assert.equal(QUERIES.length, 3);
  assert.deepEqual(
    slots,
    Array.from({ length: 8 }, (_, i) => `scheduleAt${i}`),
  );
});

for (const file of QUERIES) {
  test(`${path.basename(file)}: every variable it requires is written, every slot asked about`, () => {
    const [operation] = parse(fs.readFileSync(file, 'utf8')).definitions;
    const declared = operation.variableDefinitions.map((v) => ({
      name: v.variable.name.value,
      required: v.type.kind === Kind.NON_NULL_TYPE,
    }));
    for (const { name, required } of declared) {
      if (required) assert.ok(name in variables, `$${name} is required and the app does not write it`);
    }
    assert.deepEqual(
      declared.map((v) => v.name).sort(),
      Object.keys(variables).sort(),
      'the query declares what the app writes',
    );
    // The delivery country, which thresholds by country and country-limited rewards read.
    const cart = operation.selectionSet.selections.find((s) => s.name.value === 'cart');
    const groups = cart.selectionSet.selections.find((s) => s.name.value === 'deliveryGroups');
    assert.deepEqual(
      groups?.selectionSet.selections.map((s) => [s.name.value, s.selectionSet?.selections.map((f) => f.name.value)]),
      [
        ['id', undefined],
        ['deliveryAddress', ['countryCode']],
      ],
    );
    const shop = operation.selectionSet.selections.find((s) => s.name.value === 'shop');
    const localTime = shop.selectionSet.selections.find((s) => s.name.value === 'localTime');
    const asked = localTime.selectionSet.selections.map((field) => [
      field.alias?.value,
      field.name.value,
      field.arguments.map((a) => `${a.name.value}=$${a.value.name.value}`).join(','),
    ]);
    assert.deepEqual(
      asked,
      slots.map((slot, i) => [`after${i}`, 'dateTimeAfter', `dateTime=$${slot}`]),
    );
  });
}
