import { useState } from 'react';
import { api, type ResponseBody } from '../api/client';
import { NETWORK_FAILURE, toFailure, type ApiFailure } from '../api/problem';
import { t } from '../i18n';
import { saveFile } from '../ui/save-file';
import { ErrorAlert } from '../ui/states';

type Report = ResponseBody<'/api/v1/audit/verify', 'get'>;

/**
 * For auditors and administrators: the service's check of the whole log, and the export to check it
 * offline. The export is fetched with the token in the Authorization header and saved from memory.
 */
export function WholeLogTools() {
  const [report, setReport] = useState<Report | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  const verify = async () => {
    setVerifying(true);
    setFailure(null);
    setReport(null);
    try {
      const { data, error, response } = await api.GET('/api/v1/audit/verify');
      if (data) setReport(data);
      else setFailure(toFailure(response.status, error));
    } catch {
      setFailure(NETWORK_FAILURE);
    } finally {
      setVerifying(false);
    }
  };

  const download = async () => {
    setDownloading(true);
    setFailure(null);
    try {
      const { data, error, response } = await api.GET('/api/v1/audit/export', { parseAs: 'blob' });
      if (data) saveFile(data, 'aidtrail-audit.ndjson', response);
      else setFailure(toFailure(response.status, error));
    } catch {
      setFailure(NETWORK_FAILURE);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="whole-log-title">
      <h2 id="whole-log-title">{t.trail.wholeLog.title}</h2>
      <p>{t.trail.wholeLog.intro}</p>
      <div className="form-actions">
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? t.trail.wholeLog.verifying : t.trail.wholeLog.verify}
        </button>
        <button type="button" onClick={() => void download()} disabled={downloading}>
          {downloading ? t.trail.wholeLog.downloading : t.trail.wholeLog.download}
        </button>
      </div>
      <p className="field-hint">{t.trail.wholeLog.downloadHint}</p>
      <ErrorAlert failure={failure} />
      {report && (
        <div
          className={`alert ${report.valid ? 'alert-ok' : 'alert-error'}`}
          role={report.valid ? 'status' : 'alert'}
        >
          <p>
            {report.valid
              ? t.trail.wholeLog.valid(report.checked, report.treeSize)
              : t.trail.wholeLog.invalid(report.firstInvalidSeq ?? null)}
          </p>
          {report.problems && report.problems.length > 0 && (
            <ul>
              {report.problems.map((problem, i) => (
                <li key={i}>{problem}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
