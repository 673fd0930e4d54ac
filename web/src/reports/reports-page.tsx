import { t } from '../i18n';
import { PageTitle } from '../ui/page-title';

/** Reports (issue 13, item 6): a placeholder that the reports screen replaces. Loaded on demand. */
export default function ReportsPage() {
  return (
    <section>
      <PageTitle title={t.placeholder.reportsTitle}>{t.placeholder.reportsTitle}</PageTitle>
      <p>{t.placeholder.soon}</p>
    </section>
  );
}
