import {
  createContext,
  useCallback,
  useContext,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';

/**
 * The scoring form's one form state: the note text each NoteField shows, by graded unit. A store of plain
 * strings, not a form library instance per field: the form has a note per unit (25 on KF02, 46 on KF3), and
 * creating that many form instances was a measurable part of the first render.
 */
export class NoteDrafts {
  private readonly texts = new Map<string, string>();
  private readonly listeners = new Map<string, Set<() => void>>();

  get(unitId: string): string | undefined {
    return this.texts.get(unitId);
  }

  set(unitId: string, text: string): void {
    if (this.texts.get(unitId) === text) return;
    this.texts.set(unitId, text);
    for (const listener of this.listeners.get(unitId) ?? []) listener();
  }

  subscribe(unitId: string, listener: () => void): () => void {
    let unitListeners = this.listeners.get(unitId);
    if (unitListeners === undefined) {
      unitListeners = new Set();
      this.listeners.set(unitId, unitListeners);
    }
    unitListeners.add(listener);
    return () => {
      unitListeners.delete(listener);
    };
  }
}

const NoteDraftsContext = createContext<NoteDrafts | null>(null);

/** One NoteDrafts for the form inside (key it by audit, so another audit starts from its own notes). */
export function NoteDraftsProvider({ children }: { children: ReactNode }) {
  const [drafts] = useState(() => new NoteDrafts());
  return <NoteDraftsContext value={drafts}>{children}</NoteDraftsContext>;
}

/**
 * A unit's note as typed, and how to change it. Until the field is first edited it holds the note stored when
 * the field appeared (as a form's default value would).
 */
export function useNoteDraft(
  unitId: string,
  storedNote: string,
): { note: string; current: () => string; setNote: (text: string) => void } {
  const drafts = useContext(NoteDraftsContext);
  if (drafts === null) throw new Error('useNoteDraft must be used inside <NoteDraftsProvider>');
  const [initialNote] = useState(storedNote);
  const subscribe = useCallback(
    (listener: () => void) => drafts.subscribe(unitId, listener),
    [drafts, unitId],
  );
  const current = useCallback(() => drafts.get(unitId) ?? initialNote, [drafts, unitId, initialNote]);
  const note = useSyncExternalStore(subscribe, current);
  const setNote = useCallback(
    (text: string) => {
      drafts.set(unitId, text);
    },
    [drafts, unitId],
  );
  return { note, current, setNote };
}
