// One truth, two builds: every golden fixture in tests/fixtures/ gives the wasm module the
// exact document strings the native build was given (tests/core/fixtures_test.cpp's rules),
// and the module must answer with the same bytes, and with the expected document.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, before } from 'node:test';

import { fixturesDir, loadTiercart, nativeFixtures, rawOutput } from './support.mjs';

const names = fs
  .readdirSync(fixturesDir)
  .filter((file) => file.endsWith('.input.json'))
  .map((file) => file.slice(0, -'.input.json'.length))
  .sort();
const native = new Map(nativeFixtures().map((fixture) => [fixture.name, fixture]));

describe('golden fixtures', () => {
  let tiercart;
  before(async () => {
    ({ tiercart } = await loadTiercart('all'));
  });

  it('there are fixtures, and the native build ran every one of them', () => {
    assert.ok(names.length >= 10, `only ${names.length} fixtures`);
    assert.deepEqual([...native.keys()].sort(), names);
  });

  for (const name of names) {
    it(`${name}: wasm output is byte-identical to native and equals the expected file`, () => {
      const fixture = native.get(name);
      const output = rawOutput(tiercart, fixture.command, fixture);
      assert.equal(output, fixture.output);
      const expected = JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.expected.json`), 'utf8'));
      assert.deepStrictEqual(JSON.parse(output), expected);
    });
  }
});
