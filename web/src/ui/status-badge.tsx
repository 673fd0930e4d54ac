import { t } from '../i18n';

/** A shipment status as a word on a colour; the word carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{t.status[status] ?? status}</span>;
}
