import { Link } from 'wouter';
import { t } from '../i18n';
import { PageTitle } from '../ui/page-title';

/**
 * A shipment's history and its verification in the browser (issue 13, item 5): a placeholder that the
 * audit screen replaces. Loaded on demand, so its code is not part of the first screen.
 */
export default function HistoryPage({ id }: { id: string }) {
  return (
    <section>
      <PageTitle title={t.placeholder.historyTitle}>{t.placeholder.historyTitle}</PageTitle>
      <p>{t.placeholder.soon}</p>
      <Link href={`/shipments/${id}`}>{t.states.backToShipments}</Link>
    </section>
  );
}
