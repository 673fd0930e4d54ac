import { useLocation } from 'wouter';
import { api } from '../api/client';
import { useSubmission } from '../api/use-submission';
import { t } from '../i18n';
import { PageTitle } from '../ui/page-title';
import { useOrganizations } from './organizations';
import { bodyOf, emptyDraft, ShipmentForm, type ShipmentDraft } from './shipment-form';

/** A new shipment. Its Idempotency-Key is made when this screen opens: a double click records once. */
export function ShipmentNewPage() {
  const [, navigate] = useLocation();
  const organizations = useOrganizations(true);
  const { submit, busy, failure } = useSubmission();

  async function create(draft: ShipmentDraft) {
    const done = await submit((key) => api.POST('/api/v1/shipments', { params: { header: { 'Idempotency-Key': key } }, body: bodyOf(draft) }));
    if (done?.data) navigate(`/shipments/${done.data.id}`);
  }

  return (
    <section>
      <PageTitle title={t.editor.createTitle}>{t.editor.createTitle}</PageTitle>
      <ShipmentForm
        initial={emptyDraft()}
        organizations={organizations}
        submitLabel={t.editor.create}
        busy={busy}
        failure={failure}
        onSubmit={(draft) => void create(draft)}
      />
    </section>
  );
}
