import { t } from '../i18n';
import { PageTitle } from '../ui/page-title';

export function ShipmentsPage() {
  return <PageTitle title={t.shipments.listTitle}>{t.shipments.listTitle}</PageTitle>;
}
