import { Fragment } from 'react';
import { t } from '../i18n';
import { entryChanges, type FieldChange, type Leaf } from './entry-diff';

// A creation lists every field of the new shipment; beyond this many rows the rest folds away.
const SHOWN_ROWS = 12;

/**
 * What one audit entry changed: field, before and after; or, when everything was new (a creation),
 * field and value.
 */
export function EntryChangesTable({ entry }: { entry: { action: string; before: unknown; after: unknown } }) {
  const changes = entryChanges(entry);
  if (changes.length === 0) return <p className="muted">{t.trail.noChange}</p>;
  const allNew = changes.every((change) => change.kind === 'added');
  const table = (rows: FieldChange[]) => (
    <div className="table-scroll">
      <table className={`changes${allNew ? ' changes-new' : ''}`}>
        <thead>
          <tr>
            <th scope="col">{t.trail.field}</th>
            {allNew ? (
              <th scope="col">{t.trail.value}</th>
            ) : (
              <>
                <th scope="col">{t.trail.before}</th>
                <th scope="col">{t.trail.after}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((change) => (
            <tr key={change.path} className={`change-${change.kind}`}>
              <th scope="row" className="path">
                <PathText path={change.path} />
              </th>
              {!allNew && (
                <td>
                  {change.kind === 'added' ? (
                    <span className="muted">{t.trail.absent}</span>
                  ) : (
                    leafText(change.before)
                  )}
                </td>
              )}
              <td>
                {change.kind === 'removed' ? (
                  <span className="muted">{t.trail.absent}</span>
                ) : (
                  leafText(change.after)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  if (changes.length <= SHOWN_ROWS) return table(changes);
  return (
    <>
      {table(changes.slice(0, SHOWN_ROWS))}
      <details>
        <summary>{t.trail.moreFields(changes.length - SHOWN_ROWS)}</summary>
        {table(changes.slice(SHOWN_ROWS))}
      </details>
    </>
  );
}

/** A field path that may wrap after each dot (`destination.<wbr>countryCode`), not inside a name. */
function PathText({ path }: { path: string }) {
  return path.split(/(?<=\.)/).map((part, i) => (
    <Fragment key={i}>
      {part}
      <wbr />
    </Fragment>
  ));
}

/** A served value as text, exactly as served (decimal strings stay as they are). */
function leafText(value: Leaf): string {
  if (value === null) return t.trail.nullValue;
  if (typeof value === 'boolean') return value ? t.trail.yes : t.trail.no;
  return String(value);
}
