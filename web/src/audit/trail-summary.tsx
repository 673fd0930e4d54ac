import './trail.css';
import { Link } from 'wouter';
import { t } from '../i18n';
import { dateTime } from '../ui/locale-format';
import { useVerifiedTrail } from './use-verified-trail';

/**
 * The verification verdict in one line, for the shipment screen: the same check as the history screen
 * (this browser verifies every entry against the signed checkpoint), with a link to the details.
 * Loaded on demand, after the shipment itself is on screen.
 */
export default function TrailSummary({ id }: { id: string }) {
  const trail = useVerifiedTrail(id);
  const details = <Link href={`/shipments/${id}/history`}>{t.trail.seeHistory}</Link>;
  if (trail.phase === 'failed') {
    return (
      <p className="trail-summary trail-summary-checking">
        {t.trail.summaryUnavailable} {details}
      </p>
    );
  }
  const verdict = trail.phase === 'ready' ? trail.verdict : undefined;
  if (!verdict) {
    return (
      <p className="trail-summary trail-summary-checking" role="status">
        {t.trail.verifying}
      </p>
    );
  }
  const failed = verdict.entries.filter((entry) => entry.state === 'failed').length;
  return (
    <p
      className={`trail-summary trail-summary-${verdict.state}`}
      role={verdict.state === 'failed' ? 'alert' : 'status'}
    >
      <strong>
        <span aria-hidden="true">
          {verdict.state === 'verified' ? '✔ ' : verdict.state === 'failed' ? '✖ ' : '… '}
        </span>
        {t.trail.badge[verdict.state]}
      </strong>{' '}
      {verdict.state === 'verified' && verdict.checkpoint && (
        <>
          {t.trail.summaryVerified(
            verdict.entries.length,
            verdict.checkpoint.treeSize,
            dateTime(verdict.checkpoint.timestamp),
          )}{' '}
        </>
      )}
      {verdict.state === 'failed' && <>{t.trail.summaryFailed(failed)} </>}
      {details}
    </p>
  );
}
