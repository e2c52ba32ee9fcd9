// The cost of an Admin GraphQL query in the demo's stand-in (demo/admin-api.mjs). Shopify
// documents the cost fields and the bucket, not its arithmetic; this is the stand-in's rule:
//   scalar and enum fields 0; an object field 1 plus its selection; a connection (a *Connection
//   type) 2 plus `first` (or `last`, or the number of `filenames`) times the cost of one node
//   (1 plus the node's selection); a list named by `ids` (nodes) the number of ids times the
//   cost of one object; every root mutation field 10.
// The actual cost is the same walk over the reply's data: a connection counts the nodes it
// returned, a field that came back null or absent costs nothing.

import { Kind, getArgumentValues, getNamedType, isLeafType } from 'graphql';

export const MUTATION_COST = 10;

// The cost of a selection set on `type` (see the rule at the top). With `data` (the reply's
// data at this level) connections count the nodes returned instead of `first`.
function selectionCost(type, selectionSet, ctx, data, actual) {
  let total = 0;
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__') || !type.getFields) continue;
      const field = type.getFields()[name];
      if (!field) continue;
      const key = selection.alias?.value ?? name;
      const value = actual ? data?.[key] : undefined;
      if (actual && (value === undefined || value === null)) continue;
      total += fieldCost(field, selection, ctx, value, actual);
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? ctx.fragments[selection.name.value] : selection;
      if (!fragment) continue;
      const condition = fragment.typeCondition ? ctx.schema.getType(fragment.typeCondition.name.value) : type;
      total += selectionCost(condition ?? type, fragment.selectionSet, ctx, data, actual);
    }
  }
  return total;
}

function fieldCost(field, selection, ctx, value, actual) {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  let args = {};
  try {
    args = getArgumentValues(field, selection, ctx.variables);
  } catch {
    args = {};
  }
  if (named.name.endsWith('Connection')) {
    const nodeSelection = selection.selectionSet?.selections.find(
      (s) => s.kind === Kind.FIELD && s.name.value === 'nodes',
    );
    const nodeType = getNamedType(named.getFields().nodes.type);
    const oneNode = (node) => 1 + selectionCost(nodeType, nodeSelection?.selectionSet, ctx, node, actual);
    if (actual) {
      const nodes = value?.nodes ?? [];
      return 2 + nodes.reduce((n, node) => n + oneNode(node), 0);
    }
    const size = args.first ?? args.last ?? (Array.isArray(args.filenames) ? args.filenames.length : 0);
    return 2 + Math.max(0, size) * (nodeSelection ? oneNode(undefined) : 1);
  }
  // A list of objects named by an `ids` argument (nodes): each id an object.
  if (Array.isArray(args.ids)) {
    const oneObject = (item) => 1 + selectionCost(named, selection.selectionSet, ctx, item, actual);
    if (actual)
      return (Array.isArray(value) ? value : [])
        .filter((item) => item != null)
        .reduce((n, item) => n + oneObject(item), 0);
    return args.ids.length * oneObject(undefined);
  }
  const item = Array.isArray(value) ? value[0] : value;
  return 1 + selectionCost(named, selection.selectionSet, ctx, item, actual);
}

// The requested cost of `operation` (a node of `document`), or, given the reply's `data`,
// its actual cost.
export function operationCost(schema, document, operation, variables, data) {
  const fragments = Object.fromEntries(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const ctx = { schema, fragments, variables };
  if (operation.operation === 'mutation') {
    const fields = operation.selectionSet.selections.filter(
      (s) => s.kind === Kind.FIELD && !s.name.value.startsWith('__'),
    );
    if (data === undefined) return fields.length * MUTATION_COST;
    return fields.filter((s) => data?.[s.alias?.value ?? s.name.value] != null).length * MUTATION_COST;
  }
  return selectionCost(schema.getQueryType(), operation.selectionSet, ctx, data, data !== undefined);
}
