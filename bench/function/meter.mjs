// Deterministic instruction counts for a Function module, metered the way Shopify meters a
// run: every executed Wasm instruction counts one, except the structural ones that execute
// nothing (block, loop, else, end, nop). The module is rewritten with an i64 counter that
// each counted instruction bumps before it runs; the counter is exported as
// "tiercart_instructions". Same module and input, same count, on any machine.
// (Debian's wasm-interp, which could trace instead, is built without WASI.)

const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const ELSE = 0x05;
const END = 0x0b;
const NOP = 0x01;
const CALL = 0x10;

class Reader {
  constructor(bytes, at = 0) {
    this.b = bytes;
    this.at = at;
  }
  byte() {
    return this.b[this.at++];
  }
  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.b[this.at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return result;
    }
  }
  skipLeb() {
    while (this.b[this.at++] & 0x80);
  }
  bytes(n) {
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

// Appends without spreading: a metered code section is far more than a call's arguments.
function append(out, items) {
  for (let i = 0; i < items.length; i++) out.push(items[i]);
}

function u32(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

// Skips one instruction's immediates (the opcode already read).
function skipImmediates(r, op) {
  if (op === BLOCK || op === LOOP || op === IF) {
    const t = r.b[r.at];
    if (t === 0x40 || (t >= 0x6f && t <= 0x7f)) r.at += 1;
    else r.skipLeb(); // a type index (s33)
  } else if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x26) || op === 0xd0 || op === 0xd2) {
    r.skipLeb();
  } else if (op === 0x0e) {
    const n = r.u32();
    for (let i = 0; i <= n; i++) r.skipLeb();
  } else if (op === 0x11) {
    r.skipLeb();
    r.skipLeb();
  } else if (op === 0x1c) {
    const n = r.u32();
    r.at += n;
  } else if (op >= 0x28 && op <= 0x3e) {
    r.skipLeb();
    r.skipLeb();
  } else if (op === 0x3f || op === 0x40) {
    r.at += 1;
  } else if (op === 0x41 || op === 0x42) {
    r.skipLeb();
  } else if (op === 0x43) {
    r.at += 4;
  } else if (op === 0x44) {
    r.at += 8;
  } else if (op === 0xfc) {
    const sub = r.u32();
    if (sub === 8) {
      r.skipLeb();
      r.at += 1;
    } else if (sub === 9 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.skipLeb();
    else if (sub === 10) r.at += 2;
    else if (sub === 11) r.at += 1;
    else if (sub === 12 || sub === 14) {
      r.skipLeb();
      r.skipLeb();
    }
  } else if (op === 0xfd) {
    throw new Error('SIMD instructions are not metered');
  } else if (op > 0xc4 && op !== 0xd1) {
    throw new Error(`unknown opcode 0x${op.toString(16)}`);
  }
}

// The metered copy of a function body's expression. With `inclusive` ({params, globalOf}),
// each direct call also adds what the callee executed (the counter's growth across the call)
// to the callee's inclusive counter, globalOf(callee) (-1: none), through a new i64 local.
function meterBody(body, counter, own = -1, inclusive = null) {
  const r = new Reader(body);
  const out = [];
  const localGroups = r.u32();
  let locals = 0;
  for (let i = 0; i < localGroups; i++) {
    locals += r.u32();
    r.at += 1;
  }
  if (inclusive) {
    append(out, u32(localGroups + 1));
    append(out, body.subarray(u32(localGroups).length, r.at));
    out.push(0x01, 0x7e);
  } else {
    append(out, body.subarray(0, r.at));
  }
  const mark = inclusive ? inclusive.params + locals : -1;
  // global.get c; i64.const 1; i64.add; global.set c
  let bump = [0x23, ...u32(counter), 0x42, 0x01, 0x7c, 0x24, ...u32(counter)];
  if (own >= 0) bump = bump.concat([0x23, ...u32(own), 0x42, 0x01, 0x7c, 0x24, ...u32(own)]);
  while (r.at < body.length) {
    const start = r.at;
    const op = r.byte();
    skipImmediates(r, op);
    if (op !== BLOCK && op !== LOOP && op !== ELSE && op !== END && op !== NOP) append(out, bump);
    const into = op === CALL && inclusive ? inclusive.globalOf(new Reader(body, start + 1).u32()) : -1;
    if (into >= 0) append(out, [0x23, ...u32(counter), 0x21, ...u32(mark)]); // mark = c
    append(out, body.subarray(start, r.at));
    // into += c - mark
    if (into >= 0)
      append(out, [0x23, ...u32(into), 0x23, ...u32(counter), 0x20, ...u32(mark), 0x7d, 0x7c, 0x24, ...u32(into)]);
  }
  return out;
}

// Returns the bytes of `wasm` with every instruction metered. With `perFunction`, each
// defined function also gets its own counter, exported as "tiercart_f<index>", and one of
// what its direct calls executed, itself and its callees ("tiercart_i<index>"; a recursive
// call counts again, an indirect call nowhere). The added code is not itself counted.
export function meter(wasm, { perFunction = false } = {}) {
  const bytes = new Uint8Array(wasm);
  const r = new Reader(bytes, 8);
  const sections = [];
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, body: r.bytes(size) });
  }
  let importedGlobals = 0;
  let definedGlobals = 0;
  for (const s of sections) {
    if (s.id === 2) {
      const ir = new Reader(s.body);
      const n = ir.u32();
      for (let i = 0; i < n; i++) {
        // Module and field names; read each length before moving past it.
        for (let name = 0; name < 2; name++) {
          const length = ir.u32();
          ir.at += length;
        }
        const kind = ir.byte();
        if (kind === 0) ir.skipLeb();
        else if (kind === 1) {
          ir.at += 1;
          const flags = ir.byte();
          ir.skipLeb();
          if (flags & 1) ir.skipLeb();
        } else if (kind === 2) {
          const flags = ir.byte();
          ir.skipLeb();
          if (flags & 1) ir.skipLeb();
        } else if (kind === 3) {
          ir.at += 2;
          importedGlobals += 1;
        }
      }
    }
    if (s.id === 6) definedGlobals = new Reader(s.body).u32();
  }
  const counter = importedGlobals + definedGlobals;
  let importedFuncs = 0;
  let definedFuncs = 0;
  for (const s of sections) {
    if (s.id === 3) definedFuncs = new Reader(s.body).u32();
    if (s.id === 2) {
      const ir = new Reader(s.body);
      const n = ir.u32();
      for (let i = 0; i < n; i++) {
        // Module and field names; read each length before moving past it.
        for (let name = 0; name < 2; name++) {
          const length = ir.u32();
          ir.at += length;
        }
        const kind = ir.byte();
        if (kind === 0) {
          ir.skipLeb();
          importedFuncs += 1;
        } else if (kind === 1) {
          ir.at += 1;
          const flags = ir.byte();
          ir.skipLeb();
          if (flags & 1) ir.skipLeb();
        } else if (kind === 2) {
          const flags = ir.byte();
          ir.skipLeb();
          if (flags & 1) ir.skipLeb();
        } else if (kind === 3) ir.at += 2;
      }
    }
  }
  const typeParams = [];
  const funcTypes = [];
  for (const s of sections) {
    const sr = new Reader(s.body);
    if (s.id === 1) {
      for (let n = sr.u32(); n > 0; n--) {
        sr.at += 1; // 0x60
        const params = sr.u32();
        sr.at += params;
        const results = sr.u32();
        sr.at += results;
        typeParams.push(params);
      }
    }
    if (s.id === 3) for (let n = sr.u32(); n > 0; n--) funcTypes.push(sr.u32());
  }
  const extra = perFunction ? 2 * definedFuncs : 0;
  const inclusiveOf = (callee) =>
    callee >= importedFuncs ? counter + 1 + definedFuncs + (callee - importedFuncs) : -1;
  let global = [0x7e, 0x01, 0x42, 0x00, 0x0b]; // mut i64 = 0
  for (let i = 0; i < extra; i++) global = global.concat([0x7e, 0x01, 0x42, 0x00, 0x0b]);
  const out = [...bytes.subarray(0, 8)];
  const emit = (id, body) => {
    out.push(id, ...u32(body.length));
    append(out, body);
  };
  let addedGlobal = false;
  for (const s of sections) {
    if (s.id === 6) {
      const gr = new Reader(s.body);
      const n = gr.u32();
      emit(6, [...u32(n + 1 + extra), ...s.body.subarray(gr.at), ...global]);
      addedGlobal = true;
      continue;
    }
    if (s.id === 7) {
      if (!addedGlobal) emit(6, [...u32(1 + extra), ...global]);
      addedGlobal = true;
      const er = new Reader(s.body);
      const n = er.u32();
      const entries = [];
      const add = (text, index) => {
        const name = new TextEncoder().encode(text);
        entries.push(...u32(name.length), ...name, 0x03, ...u32(index));
      };
      add('tiercart_instructions', counter);
      for (let i = 0; i < extra / 2; i++) {
        add(`tiercart_f${importedFuncs + i}`, counter + 1 + i);
        add(`tiercart_i${importedFuncs + i}`, inclusiveOf(importedFuncs + i));
      }
      emit(7, [...u32(n + 1 + extra), ...s.body.subarray(er.at), ...entries]);
      continue;
    }
    if (s.id === 10) {
      const cr = new Reader(s.body);
      const n = cr.u32();
      const code = [...u32(n)];
      for (let i = 0; i < n; i++) {
        const size = cr.u32();
        const inclusive = perFunction ? { params: typeParams[funcTypes[i]], globalOf: inclusiveOf } : null;
        const metered = meterBody(cr.bytes(size), counter, perFunction ? counter + 1 + i : -1, inclusive);
        append(code, u32(metered.length));
        append(code, metered);
      }
      emit(10, code);
      continue;
    }
    emit(s.id, s.body);
  }
  return new Uint8Array(out);
}
