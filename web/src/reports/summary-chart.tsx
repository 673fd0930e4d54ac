import { useId, useState } from 'react';
import { t } from '../i18n';
import { decimal } from '../ui/locale-format';
import { barLengths, FULL_BAR } from './bar-scale';
import {
  defaultMeasure,
  measureKey,
  measuresOf,
  measureValue,
  type Measure,
  type SummaryRow,
} from './summary-measures';

interface ChartRow extends SummaryRow {
  key: string;
  label: string;
}

/**
 * One measure per chart, chosen by the reader: a count, the value in one currency, or the quantity in
 * one unit. The table beside it is the source of truth; the chart repeats its figures as text.
 */
export function SummaryChart({ rows, labelOf }: { rows: ChartRow[]; labelOf: (row: ChartRow) => string }) {
  const measures = measuresOf(rows);
  const [chosen, setChosen] = useState(() => measureKey(defaultMeasure(measures)));
  const chooserId = useId();
  const measure = measures.find((candidate) => measureKey(candidate) === chosen) ?? defaultMeasure(measures);
  const values = rows.map((row) => measureValue(row, measure));
  const lengths = barLengths(values);
  return (
    <figure className="chart">
      <div className="field chart-chooser">
        <label htmlFor={chooserId}>{t.reports.chartMeasure}</label>
        <select
          id={chooserId}
          value={measureKey(measure)}
          onChange={(event) => setChosen(event.target.value)}
        >
          {measures.map((option) => (
            <option key={measureKey(option)} value={measureKey(option)}>
              {measureLabel(option)}
            </option>
          ))}
        </select>
      </div>
      <figcaption>{t.reports.chartCaption(measureLabel(measure))}</figcaption>
      <ul className="bars">
        {rows.map((row, i) => (
          <li key={row.key} className="bar-row">
            <span className="bar-label">{labelOf(row)}</span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar" style={{ width: `${(lengths[i] * 100) / FULL_BAR}%` }} />
            </span>
            <span className="bar-value">{values[i] === null ? t.reports.noFigure : decimal(values[i])}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function measureLabel(measure: Measure): string {
  switch (measure.kind) {
    case 'shipments':
      return t.reports.shipments;
    case 'lines':
      return t.reports.lines;
    case 'value':
      return t.reports.valueIn(measure.currency);
    case 'quantity':
      return t.reports.quantityIn(t.vocabulary.unit[measure.unit] ?? measure.unit);
  }
}
