import type { RubricNode } from '../rubric/rubric-schema';
import { gradeKind } from './grade/grade-kind';
import type { UnitKind } from './unit-kind';

/** The kind module that owns a graded unit. */
export const kindOf = (_node: RubricNode): UnitKind => gradeKind;
