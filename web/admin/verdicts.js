// What the page reads from the admin API's verdicts (server/src/responses.cpp, write_verdict):
// each stored verdict embeds the core's order verdict, one entry per program its lines name.

// The verdicts with flagged orders first, the server's order kept otherwise (newest first).
export function flaggedFirst(verdicts) {
  return [...verdicts].sort((a, b) => Number(a.earned) - Number(b.earned));
}

// Why an order was flagged, in the core's words: {reason, message} per refused line, and the
// error of a program that could not be judged (an unknown version, say).
export function reasons(record) {
  const out = [];
  for (const entry of record?.verdict?.verdicts || []) {
    if (entry.error) out.push({ reason: String(entry.error.code), message: String(entry.error.message || '') });
    for (const line of entry.lines || [])
      if (!line.earned) out.push({ reason: String(line.reason || ''), message: String(line.message || '') });
  }
  return out;
}

// The program versions an order was judged against.
export function programsOf(record) {
  return (record?.verdict?.verdicts || [])
    .map((entry) => entry.program)
    .filter((program) => program && program.id !== undefined);
}
