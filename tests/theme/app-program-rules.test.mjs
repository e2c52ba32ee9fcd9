// Rules the theme editor has no room for (the settings budget of SHOPIFY.md section 3) are set in
// the app's program: every tier's reward setting says so, in every language of the editor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const extension = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'theme-extension');
const schemaOf = (file) =>
  JSON.parse(/\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/.exec(fs.readFileSync(file, 'utf8'))[1]);

test('every tier reward setting points the merchant to the app for what it cannot set', () => {
  const blocks = fs.readdirSync(path.join(extension, 'blocks'));
  let rewards = 0;
  for (const block of blocks) {
    for (const setting of schemaOf(path.join(extension, 'blocks', block)).settings || []) {
      if (!/^t\d_reward$/.test(setting.id || '')) continue;
      rewards += 1;
      assert.equal(setting.info, 't:settings.tier.reward.info', `${block} ${setting.id}`);
    }
  }
  assert.ok(rewards >= 12, `${rewards} reward settings`);
  for (const file of fs.readdirSync(path.join(extension, 'locales')).filter((f) => f.endsWith('.schema.json'))) {
    const info = JSON.parse(fs.readFileSync(path.join(extension, 'locales', file), 'utf8')).settings.tier.reward.info;
    assert.match(info, /tiercart/, file);
  }
});
