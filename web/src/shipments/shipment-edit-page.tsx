import { t } from '../i18n';
import { PageTitle } from '../ui/page-title';

export function ShipmentEditPage({ id }: { id: string }) {
  return <PageTitle title={id}>{t.shipments.listTitle}</PageTitle>;
}
