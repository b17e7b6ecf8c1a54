import {
  answersOf,
  rescoreUnits,
  scoreAudit,
  type Answer,
  type AuditHeader,
  type NodeScore,
  type Rubric,
  type ScoreResult,
} from '../../../domain/index';
import type { AuditRead } from '../../../storage/audit-store';

const sameAnswer = (a: Answer, b: Answer): boolean =>
  a.grade === b.grade &&
  a.note === b.note &&
  a.updatedAt === b.updatedAt &&
  a.photoIds.length === b.photoIds.length &&
  a.photoIds.every((id, i) => id === b.photoIds[i]);

/** The header as far as the form shows it: every write moves `updatedAt`, which the form never shows. */
const shownHeader = ({ updatedAt: _updatedAt, ...rest }: AuditHeader): string => JSON.stringify(rest);

/**
 * The scoring form's audit in memory, kept in step with storage: each write this tab commits is applied as
 * soon as it is stored (AuditStore.onAnswerSaved), and each read of the audit (after any write, from any
 * tab) is merged in. Answers and scores that did not change keep their objects, the score is updated
 * incrementally (rescoreUnits), and listeners are told per graded unit or item, so a tap re-renders the
 * card it changed, the items above it and the score bar, never the whole form.
 */
export class AuditForm {
  readonly rubric: Rubric;
  private header: AuditHeader;
  private headerKey: string;
  private readonly answers = new Map<string, Answer>();
  private score: ScoreResult;
  private readonly nodeScores = new Map<string, NodeScore>();
  private readonly nodeListeners = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<() => void>();

  constructor(read: AuditRead, score?: ScoreResult) {
    this.rubric = read.rubric;
    this.header = read.header;
    this.headerKey = shownHeader(read.header);
    for (const answer of read.answers) this.answers.set(answer.unitId, answer);
    this.score = score ?? scoreAudit(read.rubric, answersOf(read.answers));
    for (const node of this.score.nodes) this.nodeScores.set(node.id, node);
  }

  get auditId(): string {
    return this.header.id;
  }

  readonly getHeader = (): AuditHeader => this.header;
  readonly getScore = (): ScoreResult => this.score;
  getAnswer(unitId: string): Answer | undefined {
    return this.answers.get(unitId);
  }
  getNodeScore(nodeId: string): NodeScore | undefined {
    return this.nodeScores.get(nodeId);
  }

  /** Told when the score or the header (as shown) changes. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Told when this unit's answer or this node's score changes. */
  subscribeNode(nodeId: string, listener: () => void): () => void {
    let set = this.nodeListeners.get(nodeId);
    if (set === undefined) {
      set = new Set();
      this.nodeListeners.set(nodeId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** An answer this tab has just stored. */
  applyAnswer(answer: Answer): void {
    const old = this.answers.get(answer.unitId);
    if (old !== undefined && sameAnswer(old, answer)) return;
    this.answers.set(answer.unitId, answer);
    this.changed([answer.unitId], false);
  }

  /** A fresh read of the audit from storage. */
  receive(read: AuditRead): void {
    const changedUnits: string[] = [];
    const seen = new Set<string>();
    for (const answer of read.answers) {
      seen.add(answer.unitId);
      const old = this.answers.get(answer.unitId);
      if (old !== undefined && sameAnswer(old, answer)) continue;
      this.answers.set(answer.unitId, answer);
      changedUnits.push(answer.unitId);
    }
    for (const unitId of [...this.answers.keys()]) {
      if (seen.has(unitId)) continue;
      this.answers.delete(unitId);
      changedUnits.push(unitId);
    }
    const headerKey = shownHeader(read.header);
    const isHeaderChanged = headerKey !== this.headerKey;
    // Kept as last shown when only updatedAt moved, so the form does not re-render for every write.
    if (isHeaderChanged) {
      this.header = read.header;
      this.headerKey = headerKey;
    }
    this.changed(changedUnits, isHeaderChanged);
  }

  private changed(units: readonly string[], isHeaderChanged: boolean): void {
    const before = this.score;
    if (units.length > 0)
      this.score = rescoreUnits(this.rubric, before, answersOf([...this.answers.values()]), units);
    const told = new Set(units);
    if (this.score !== before) {
      for (const node of this.score.nodes) {
        if (this.nodeScores.get(node.id) === node) continue;
        this.nodeScores.set(node.id, node);
        told.add(node.id);
      }
    }
    for (const nodeId of told) for (const listener of [...(this.nodeListeners.get(nodeId) ?? [])]) listener();
    if (this.score !== before || isHeaderChanged) for (const listener of [...this.listeners]) listener();
  }
}
