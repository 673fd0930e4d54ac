import { useLocation } from 'wouter';
import { api } from '../api/client';
import { useResource } from '../api/use-resource';
import { useSubmission } from '../api/use-submission';
import { t } from '../i18n';
import { PageTitle } from '../ui/page-title';
import { LoadFailure, Loading } from '../ui/states';
import { useOrganizations } from './organizations';
import { bodyOf, draftOf, ShipmentForm, type ShipmentDraft } from './shipment-form';

/**
 * Edits a planned shipment against the version it was loaded at (If-Match): when someone changed it
 * meanwhile the API answers 412 and the screen says so and offers a reload; nothing is overwritten.
 */
export function ShipmentEditPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const organizations = useOrganizations(true);
  const shipment = useResource(`shipment:${id}`, (signal) => api.GET('/api/v1/shipments/{idOrReference}', { params: { path: { idOrReference: id } }, signal }));
  const { submit, busy, failure, renew } = useSubmission();

  if (shipment.state === 'loading') return <Loading />;
  if (shipment.state === 'failed') return <LoadFailure failure={shipment.failure} retry={shipment.reload} />;
  const current = shipment.data;
  const title = t.editor.editTitle(current.reference);
  if (current.status !== 'planned') {
    return (
      <section>
        <PageTitle title={title}>{title}</PageTitle>
        <p className="alert alert-warning">{t.editor.notPlanned}</p>
      </section>
    );
  }

  async function save(draft: ShipmentDraft) {
    const done = await submit(() =>
      api.PATCH('/api/v1/shipments/{id}', {
        params: { path: { id: current.id }, header: { 'If-Match': `"${current.version}"` } },
        body: bodyOf(draft),
      }),
    );
    if (done) navigate(`/shipments/${current.id}`);
  }

  const changedMeanwhile = failure?.status === 412;
  return (
    <section>
      <PageTitle title={title}>{title}</PageTitle>
      <ShipmentForm
        key={current.version}
        initial={draftOf(current)}
        organizations={organizations}
        submitLabel={t.editor.save}
        busy={busy}
        failure={failure}
        notice={
          changedMeanwhile ? (
            <div className="alert alert-warning" role="alert">
              <p>{t.editor.changedMeanwhile}</p>
              <button
                type="button"
                onClick={() => {
                  renew();
                  shipment.reload();
                }}
              >
                {t.editor.reloadShipment}
              </button>
            </div>
          ) : undefined
        }
        onSubmit={(draft) => void save(draft)}
      />
    </section>
  );
}
