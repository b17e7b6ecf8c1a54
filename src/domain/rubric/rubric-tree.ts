import type { Rubric, RubricNode } from './rubric-schema';

/** A node that is graded on its own: it has no sub-items. */
export const isGradedUnit = (node: RubricNode): boolean => node.children === undefined;

export interface NodeVisit {
  readonly node: RubricNode;
  readonly parent: RubricNode | undefined;
  readonly depth: number;
  readonly path: readonly (string | number)[];
}

/** Every node in document order (parents before their children). */
export function* walkNodes(rubric: Pick<Rubric, 'items'>): Generator<NodeVisit> {
  function* visit(
    nodes: readonly RubricNode[],
    parent: RubricNode | undefined,
    depth: number,
    path: readonly (string | number)[],
  ): Generator<NodeVisit> {
    for (const [index, node] of nodes.entries()) {
      const nodePath = [...path, index];
      yield { node, parent, depth, path: nodePath };
      if (node.children) yield* visit(node.children, node, depth + 1, [...nodePath, 'children']);
    }
  }
  yield* visit(rubric.items, undefined, 0, ['items']);
}

export function gradedUnits(rubric: Pick<Rubric, 'items'>): RubricNode[] {
  return [...walkNodes(rubric)].map((v) => v.node).filter(isGradedUnit);
}

export function findNode(rubric: Pick<Rubric, 'items'>, id: string): RubricNode | undefined {
  for (const { node } of walkNodes(rubric)) if (node.id === id) return node;
  return undefined;
}

/** The chain from the top-level item down to the node with this id, or [] when there is none. */
export function ancestry(rubric: Pick<Rubric, 'items'>, id: string): RubricNode[] {
  const search = (nodes: readonly RubricNode[], trail: RubricNode[]): RubricNode[] => {
    for (const node of nodes) {
      const here = [...trail, node];
      if (node.id === id) return here;
      if (node.children) {
        const found = search(node.children, here);
        if (found.length > 0) return found;
      }
    }
    return [];
  };
  return search(rubric.items, []);
}

/** The 考核与评分方法 that applies to a node: its own, or the nearest ancestor's (sub-items share their item's). */
export function effectiveMethod(rubric: Pick<Rubric, 'items'>, id: string): string | undefined {
  return ancestry(rubric, id)
    .reverse()
    .find((n) => n.method !== undefined)?.method;
}

/** The 项目 name that applies to a node: its own title, or the nearest ancestor's. */
export function effectiveTitle(rubric: Pick<Rubric, 'items'>, id: string): string | undefined {
  return ancestry(rubric, id)
    .reverse()
    .find((n) => n.title !== undefined)?.title;
}
