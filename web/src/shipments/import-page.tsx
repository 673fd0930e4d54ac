import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, type ResponseBody } from '../api/client';
import { useSubmission } from '../api/use-submission';
import { t } from '../i18n';
import { Field } from '../ui/field';
import { PageTitle } from '../ui/page-title';
import { failureMessage } from '../ui/states';

type Imported = ResponseBody<'/api/v1/shipments/import', 'post', 201>;

/**
 * A packing list as CSV, all rows or none: the API's `{row, column, message}` problems come back as a
 * table a logistics officer can work through in the spreadsheet.
 */
export function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [missingFile, setMissingFile] = useState(false);
  const [imported, setImported] = useState<Imported | null>(null);
  const { submit, busy, failure, renew } = useSubmission();

  async function upload(event: FormEvent) {
    event.preventDefault();
    if (!file) return setMissingFile(true);
    setMissingFile(false);
    const csv = await file.text();
    const done = await submit((key) =>
      api.POST('/api/v1/shipments/import', {
        params: { header: { 'Idempotency-Key': key, 'content-type': 'text/csv' } },
        body: csv,
        bodySerializer: (body) => body,
      }),
    );
    if (done?.data) {
      setImported(done.data);
      renew();
    }
  }

  const rows = failure?.rowErrors ?? [];
  return (
    <section>
      <PageTitle title={t.import.title}>{t.import.title}</PageTitle>
      <p>{t.import.intro}</p>
      <form className="panel" onSubmit={(event) => void upload(event)} noValidate>
        <Field label={t.import.file} error={missingFile ? t.import.chooseFile : undefined} required>
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".csv,text/csv"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setImported(null);
                renew();
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t.import.importing : t.import.submit}
          </button>
        </div>
      </form>

      {failure && rows.length === 0 && (
        <p className="alert alert-error" role="alert">
          {failureMessage(failure)}
        </p>
      )}
      {rows.length > 0 && (
        <section aria-labelledby="import-errors-heading">
          <div className="alert alert-error" role="alert">
            <h2 id="import-errors-heading">{t.import.errorsTitle}</h2>
            <p>{t.import.errorsIntro(rows.length)}</p>
          </div>
          <table className="stack">
            <caption className="visually-hidden">{t.import.errorsTitle}</caption>
            <thead>
              <tr>
                <th scope="col" className="number">
                  {t.import.row}
                </th>
                <th scope="col">{t.import.column}</th>
                <th scope="col">{t.import.message}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((error, index) => (
                <tr key={index}>
                  <td className="number" data-label={t.import.row}>
                    {error.row}
                  </td>
                  <td data-label={t.import.column}>{error.column ?? '—'}</td>
                  <td data-label={t.import.message}>{error.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {imported && (
        <div className="alert alert-ok" role="status">
          <p>{t.import.created(imported.created)}</p>
          <ul>
            {imported.shipments.map((shipment) => (
              <li key={shipment.id}>
                <Link href={`/shipments/${shipment.id}`}>{shipment.reference}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
