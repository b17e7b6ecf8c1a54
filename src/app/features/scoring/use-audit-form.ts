import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Answer, NodeScore } from '../../../domain/index';
import { takePrimedAudit } from '../../hooks/use-audit';
import { useStore } from '../../providers/store-provider';
import { AuditForm } from './audit-form';

/**
 * The audit named in the route as an AuditForm, kept in step with storage while the screen is open:
 * 'loading' until the first read, undefined when there is no such audit. A failed read is thrown to the
 * screen's error boundary, as a live query's is.
 */
export function useAuditForm(id: string | undefined): AuditForm | undefined | 'loading' {
  const store = useStore();
  const [state, setState] = useState<{ id: string | undefined; form: AuditForm | undefined | 'loading' }>(
    () => {
      const primed = takePrimedAudit(id);
      return { id, form: primed ? new AuditForm(primed, primed.score) : 'loading' };
    },
  );
  const [error, setError] = useState<{ error: unknown }>();
  // The form the reads are merged into; the effect replaces it when the route names another audit.
  const formRef = useRef(state.form instanceof AuditForm ? state.form : undefined);

  useEffect(() => {
    if (id === undefined) return;
    if (formRef.current?.auditId !== id) formRef.current = undefined;
    const stopSaved = store.onAnswerSaved((auditId, answer) => {
      if (auditId === id) formRef.current?.applyAnswer(answer);
    });
    const stopWatching = store.watchAudit(
      id,
      (read) => {
        const form = formRef.current;
        if (read === undefined) setState({ id, form: undefined });
        else if (form !== undefined) form.receive(read);
        else {
          const fresh = new AuditForm(read);
          formRef.current = fresh;
          setState({ id, form: fresh });
        }
      },
      (e: unknown) => {
        setError({ error: e });
      },
    );
    return () => {
      stopSaved();
      stopWatching();
    };
  }, [store, id]);

  if (error !== undefined) throw error.error;
  if (id === undefined) return undefined;
  return state.id === id ? state.form : 'loading';
}

/** One unit's answer and score; re-renders only when either changes. */
export function useUnitState(form: AuditForm, unitId: string): [Answer | undefined, NodeScore | undefined] {
  const subscribe = useCallback(
    (listener: () => void) => form.subscribeNode(unitId, listener),
    [form, unitId],
  );
  const answer = useSyncExternalStore(subscribe, () => form.getAnswer(unitId));
  const score = useSyncExternalStore(subscribe, () => form.getNodeScore(unitId));
  return [answer, score];
}

/** One item's score; re-renders only when it changes. */
export function useNodeScore(form: AuditForm, nodeId: string): NodeScore | undefined {
  const subscribe = useCallback(
    (listener: () => void) => form.subscribeNode(nodeId, listener),
    [form, nodeId],
  );
  return useSyncExternalStore(subscribe, () => form.getNodeScore(nodeId));
}
