import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { findNode, type drillDown, type Rubric } from '../../../domain/index';
import { formatDateTime, formatPoints } from '../../format';
import { useOwnAudits } from '../../providers/store-provider';
import { trustedRubrics } from '../../shipped-rubrics';

type Entry = ReturnType<typeof drillDown>[number];
type Unit = Entry['units'][number];

/** A unit as the paper names it: 第 1.2 项, its own 项目 name where it has one, and its 标准 in full. */
function UnitHeader({ unit, rubric }: { unit: Unit; rubric: Rubric | undefined }) {
  const { t } = useTranslation();
  const node = rubric ? findNode(rubric, unit.id) : undefined;
  return (
    <th scope="row" className="drill-unit">
      <span className="drill-unit__label">
        {t('scoring.unitLabel', { unit: unit.id })}
        {node?.title !== undefined && unit.id.includes('.') && ` ${node.title}`}
      </span>
      {node?.standard !== undefined && (
        <span className="drill-unit__standard" data-testid="drill-standard">
          {node.standard}
        </span>
      )}
    </th>
  );
}

/** The audits behind one heat-map cell, newest first, with every unit's grade and note. */
export function DrillDown({
  siteName,
  item,
  entries,
  signerOf,
  onClose,
}: {
  siteName: string;
  item: { id: string; title: string };
  entries: readonly Entry[];
  /** Who sealed the audit, in words (register label, 本机, or the fingerprint). */
  signerOf: (auditId: string) => string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const cell = `${siteName}|${item.id}`;
  const own = useOwnAudits();
  const ownRubrics = useLiveQuery(() => own.rubricsFor(entries), [own, entries]);
  // The server's audits are not sealed here: the app's own copy of a shipped rubric still names their 标准.
  const [shipped, setShipped] = useState<ReadonlyMap<string, Rubric>>(new Map());
  useEffect(() => {
    let live = true;
    const wanted = [...new Set(entries.map((e) => e.rubricFingerprint))].flatMap((fingerprint) => {
      const load = trustedRubrics.get(fingerprint);
      return load ? [{ fingerprint, load }] : [];
    });
    Promise.all(wanted.map(async ({ fingerprint, load }): Promise<[string, Rubric]> => [fingerprint, await load()])).then(
      (loaded) => {
        if (live) setShipped(new Map(loaded));
      },
      // A chunk that did not load (offline before it was cached): the units show without their 标准.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [entries]);
  const rubricOf = (fingerprint: string) => ownRubrics?.get(fingerprint) ?? shipped.get(fingerprint);
  // The details open far below the cell on a long map: taking focus there scrolls them into view and
  // tells a screen reader what opened.
  useEffect(() => {
    heading.current?.focus();
  }, [cell]);
  return (
    <section aria-labelledby="drill-title" className="dashboard__panel drill-down" data-testid="drill-down">
      <div className="page__head">
        <h2 id="drill-title" tabIndex={-1} ref={heading}>
          {t('dashboard.drill.title', { site: siteName, item: `${item.id} ${item.title}` })}
        </h2>
        <button type="button" className="button" onClick={onClose} data-testid="drill-close">
          {t('dashboard.drill.close')}
        </button>
      </div>
      <ol className="drill-list">
        {entries.map((entry) => (
          <li
            key={entry.auditId}
            className="drill-audit"
            data-testid="drill-audit"
            data-audit-id={entry.auditId}
          >
            <p className="drill-audit__head">
              {t('dashboard.drill.audit', {
                date: formatDateTime(entry.auditedAt, i18n.language),
                auditor: entry.auditor,
                earned: formatPoints(entry.earnedH),
                possible: formatPoints(entry.possibleH),
              })}
            </p>
            <p className="subtitle" data-testid="drill-signer">
              {t('dashboard.drill.signedBy', { signer: signerOf(entry.auditId) })}
            </p>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.drill.unit')}</th>
                  <th scope="col">{t('dashboard.drill.grade')}</th>
                  <th scope="col">{t('dashboard.drill.points')}</th>
                  <th scope="col">{t('dashboard.drill.note')}</th>
                </tr>
              </thead>
              <tbody>
                {entry.units.map((unit) => (
                  <tr key={unit.id} data-unit-id={unit.id} data-grade={unit.grade ?? ''}>
                    <UnitHeader unit={unit} rubric={rubricOf(entry.rubricFingerprint)} />
                    <td className="drill-grade">{t(`grade.${unit.grade ?? 'ungraded'}`)}</td>
                    <td className="num">
                      {formatPoints(unit.earnedH)} / {formatPoints(unit.possibleH)}
                    </td>
                    <td className="drill-note" data-testid="drill-note">
                      {unit.note}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ol>
    </section>
  );
}
