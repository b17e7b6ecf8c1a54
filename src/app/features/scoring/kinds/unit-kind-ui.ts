import type { ReactNode } from 'react';
import type { Answer, RubricNode } from '../../../../domain/index';

export interface KindControlProps {
  readonly auditId: string;
  readonly node: RubricNode;
  readonly answer: Answer | undefined;
  readonly allowNA: boolean;
  readonly isEditable: boolean;
}

/** What a unit's card shows for its kind right now, an answer still being saved included. */
export interface KindControl {
  /** The unit has an answer on screen (a grade tapped or a figure saved): the card is not marked ungraded. */
  readonly isAnswered: boolean;
  /** The card's points say 不适用 until the score catches up. */
  readonly showsNA: boolean;
  /** The control the auditor answers with: the scale's buttons, a figure field… */
  readonly control: ReactNode;
}

/**
 * The form side of a unit kind (the domain side is src/domain/kinds): a hook, not a component, so the control
 * renders as part of its card and a tap re-renders the card alone (tests/e2e/render-count.e2e.ts counts
 * components). A card's kind never changes, so each card calls the same hook on every render.
 */
export interface UnitKindUi {
  useControl(props: KindControlProps): KindControl;
}
